#!/usr/bin/env bash
# Checks that each named picture exists in FOLDER and is a valid PNG (8-byte signature, IHDR first with a non-zero
# width and height, IEND last) or SVG (an <svg ...> root with width and height). Exits 1 naming every bad file.
# Usage: tools/plots/check_images.sh FOLDER NAME...
set -euo pipefail
if [ "$#" -lt 2 ]; then
    echo "usage: $0 FOLDER NAME..." >&2
    exit 2
fi
folder=$1
shift

hex() { od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'; }

bad=0
for name in "$@"; do
    path="$folder/$name"
    if [ ! -s "$path" ]; then
        echo "missing or empty: $path" >&2
        bad=1
        continue
    fi
    case "$name" in
        *.png)
            size=$(stat -c %s "$path")
            if [ "$(hex "$path" 0 8)" != "89504e470d0a1a0a" ] || [ "$(hex "$path" 12 4)" != "49484452" ] ||
               [ "$(hex "$path" $((size - 8)) 4)" != "49454e44" ]; then
                echo "not a valid PNG (signature, IHDR or IEND): $path" >&2
                bad=1
                continue
            fi
            width=$((16#$(hex "$path" 16 4)))
            height=$((16#$(hex "$path" 20 4)))
            if [ "$width" -eq 0 ] || [ "$height" -eq 0 ]; then
                echo "PNG of zero size: $path" >&2
                bad=1
                continue
            fi
            echo "ok  $name  PNG ${width}x${height}, $size bytes"
            ;;
        *.svg)
            if ! grep -Eq '<svg[^>]* width="[0-9]+"[^>]* height="[0-9]+"' "$path"; then
                echo "not an SVG with a width and height: $path" >&2
                bad=1
                continue
            fi
            echo "ok  $name  SVG, $(stat -c %s "$path") bytes"
            ;;
        *)
            echo "neither .png nor .svg: $path" >&2
            bad=1
            ;;
    esac
done
exit "$bad"
