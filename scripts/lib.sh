#!/usr/bin/env bash
# Helpers shared by the test scripts.

# apt_install DEBIAN_PACKAGE: installs the package with apt (sudo when not root).
apt_install() {
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" >/dev/null
}

# need_command CMD DEBIAN_PACKAGE: installs the package with apt when CMD is missing.
need_command() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "installing $2 (for $1)"
        apt_install "$2"
    fi
}

# need_pkg_config MODULE DEBIAN_PACKAGE: installs the package with apt when
# pkg-config cannot find MODULE (C development headers and libraries, e.g.
# openssl from libssl-dev for the `openssl` crate).
need_pkg_config() {
    need_command pkg-config pkg-config
    if ! pkg-config --exists "$1"; then
        echo "installing $2 (for pkg-config $1)"
        apt_install "$2"
    fi
}
