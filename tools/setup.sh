#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine that has the .NET 10 SDK for PanGym: installs ffmpeg (video recording and
# the video data pipeline) and MPICH (distributed training) through apt when they are missing and this user may install
# packages, and restores NuGet packages. TorchSharp's native library is fixed up by the build itself (build/PanGym.targets).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "PanGym needs the .NET 10 SDK (https://dotnet.microsoft.com/download); 'dotnet' is not on PATH." >&2
  exit 1
fi

if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
    if [ "$SUDO" != none ]; then
      echo "Installing ffmpeg with apt-get ..." >&2
      $SUDO apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
    fi
  fi
  if ! command -v ffmpeg >/dev/null 2>&1; then
    echo "PanGym needs ffmpeg and ffprobe on PATH for video files; install them (Debian/Ubuntu: sudo apt-get install ffmpeg)." >&2
    exit 1
  fi
fi

# MPICH: data-parallel training over MPI (train --distributed mpi, launched with mpiexec.mpich) and its tests. MPI.NET
# loads MPICH's libmpich.so.12 (MS-MPI's ABI); Open MPI's libmpi.so.40 cannot stand in for it.
if ! command -v mpiexec.mpich >/dev/null 2>&1 || ! ldconfig -p 2>/dev/null | grep -q 'libmpich\.so\.12'; then
  if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
    if [ "$SUDO" != none ]; then
      echo "Installing MPICH with apt-get ..." >&2
      $SUDO apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends mpich libmpich-dev >/dev/null
    fi
  fi
  if ! command -v mpiexec.mpich >/dev/null 2>&1; then
    echo "PanGym's distributed training and its tests need MPICH (mpiexec.mpich and libmpich.so.12); install it (Debian/Ubuntu: sudo apt-get install mpich libmpich-dev; Fedora: sudo dnf install mpich)." >&2
    exit 1
  fi
fi

dotnet restore PanGym.sln --verbosity quiet
