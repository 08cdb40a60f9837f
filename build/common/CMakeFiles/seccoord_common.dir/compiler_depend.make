# Empty compiler generated dependencies file for seccoord_common.
# This may be replaced when dependencies are built.
