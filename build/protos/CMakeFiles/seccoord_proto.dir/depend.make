# Empty dependencies file for seccoord_proto.
# This may be replaced when dependencies are built.
