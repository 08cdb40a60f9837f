# CMake generated Testfile for 
# Source directory: /work/main/services/policy
# Build directory: /work/main/build/services/policy
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
