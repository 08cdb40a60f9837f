file(REMOVE_RECURSE
  "libseccoord_common.a"
)
