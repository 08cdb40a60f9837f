# CMake generated Testfile for 
# Source directory: /work/main/services/runtime
# Build directory: /work/main/build/services/runtime
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
