# CMake generated Testfile for 
# Source directory: /work/main/clients/seccoord
# Build directory: /work/main/build/clients/seccoord
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
