# CMake generated Testfile for 
# Source directory: /work/main/protos
# Build directory: /work/main/build/protos
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
