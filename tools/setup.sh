#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine that has the .NET 10 SDK for PanGym: installs ffmpeg (video recording and
# the video data pipeline) through apt when it is missing and this user may install packages, and restores NuGet
# packages. TorchSharp's native library is fixed up by the build itself (build/PanGym.targets).
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

dotnet restore PanGym.sln --verbosity quiet
