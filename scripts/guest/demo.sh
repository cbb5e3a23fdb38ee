#!/bin/sh
# `make demo`: boot Debian's kernel + stock i915 on the vgt device (embedded
# default: one VM, software Haswell) under TCG, show its progress, and leave
# the guest log and a picture of its screen.
#   usage: demo.sh QEMU_BIN GUEST_DIR OUT_DIR
# Environment: VGT_VNC=N (VNC display, default 1 = 127.0.0.1:5901),
#   VGT_DEMO_HOLD=S (seconds the guest keeps its screen up at the end,
#   default 30, so a VNC viewer has time to look), VGT_MACHINE=q35|pc.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
qemu=${1:?usage: demo.sh QEMU_BIN GUEST_DIR OUT_DIR}
guest=${2:?}
out=${3:?}
vnc=${VGT_VNC:-1}
hold=${VGT_DEMO_HOLD:-30}
machine=${VGT_MACHINE:-q35}

echo "vgt demo: guest = $(cat "$guest/kernel/kernel.id") + busybox initramfs"
echo "vgt demo: QEMU  = $qemu (TCG, -M $machine, -vga none -device vgt,addr=2)"
echo "vgt demo: watch live with a VNC viewer on 127.0.0.1:$((5900 + vnc)) (display :$vnc, loopback only;"
echo "          from another machine: ssh -L $((5900 + vnc)):127.0.0.1:$((5900 + vnc)) <this host>)"
echo "vgt demo: booting; the guest's progress follows (full log: $out/serial.log)"
rc=0
"$top/scripts/guest/boot.sh" --qemu "$qemu" --guest "$guest" --out "$out" \
    --machine "$machine" --vnc "$vnc" --progress --timeout $((300 + hold)) \
    --append "vgtguest.hold=$hold" || rc=$?
echo "vgt demo: boot ended: $(cat "$out/result.txt" 2>/dev/null || echo '?')"

echo "vgt demo: the device as QEMU shows it (info pci, through QMP human-monitor-command):"
if [ -s "$out/info-pci.txt" ]; then
    awk '/^  Bus/ { show = ($0 ~ /device +2,/) } show' "$out/info-pci.txt" | sed 's/^/    /'
    grep -q 'device  *2,' "$out/info-pci.txt" || echo "    (no device at 00:02.0 in QEMU's list)"
else
    echo "    (not captured: QEMU did not get as far as the guest's userspace)"
fi

echo "vgt demo: bring-up steps (tests/guest/boot-steps.py):"
python3 "$top/tests/guest/boot-steps.py" "$out" --quiet || true
awk '$1 == "stop" { sub(/^stop /, ""); stop = $0; next }
     { id = $1; st = $2; $1 = $2 = ""; sub(/^ +/, "")
       printf "    %-4s %-19s %s\n", (st == "pass" ? "ok" : "--"), id, $0 }
     END { print "vgt demo: where i915 stops now: " stop }' "$out/steps.txt"
echo "vgt demo: LOG_UNIMP/guest-error lines: $(head -n 1 "$out/unimp-summary.txt" | sed 's/^# //')"

sd=$(cat "$out/screendump.txt" 2>/dev/null || echo "none")
case "$sd" in
ok*)  echo "vgt demo: screen: $out/screen.png (and screen.ppm): $sd" ;;
error*) echo "vgt demo: screen: no picture: QEMU refused the screendump of the vgt console: ${sd#error: }" ;;
final-error*)
      echo "vgt demo: screen: no picture: i915 never got to fbcon, and the vgt device has no display"
      echo "          console yet (QEMU: ${sd#final-error: })" ;;
final*)
      echo "vgt demo: screen: i915 never got to fbcon; what the vgt console showed at the end of the"
      echo "          boot (not a guest picture): $out/screen-final.png ($sd)" ;;
*)    echo "vgt demo: screen: no picture: the guest never had a display to show (i915 did not get to fbcon)" ;;
esac
echo "vgt demo: files:"
echo "    guest log      $out/serial.log"
echo "    unimp log      $out/unimp.log  (summary: $out/unimp-summary.txt)"
echo "    QEMU command   $out/command.txt"
[ -f "$out/screen.png" ] && echo "    screenshot     $out/screen.png"
[ -f "$out/screen-final.png" ] && echo "    final console  $out/screen-final.png"
exit "$rc"
