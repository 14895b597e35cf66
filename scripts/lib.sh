#!/usr/bin/env bash
# Helpers shared by the test scripts.

# need_command CMD DEBIAN_PACKAGE: installs the package with apt when CMD is missing.
need_command() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "installing $2 (for $1)"
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
    fi
}
