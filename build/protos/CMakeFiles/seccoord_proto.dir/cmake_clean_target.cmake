file(REMOVE_RECURSE
  "libseccoord_proto.a"
)
