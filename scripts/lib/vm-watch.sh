# shellcheck shell=sh
# vm_watch PID SERIAL_LOG SILENCE TIMEOUT START SILENT_MSG
# Wait for the QEMU process PID to end.  Stop it (TERM, then KILL) when
# SERIAL_LOG is still empty SILENCE seconds after START (date +%s): a
# guest that prints nothing never found its kernel, no point waiting the
# full limit; or when TIMEOUT seconds have passed since START.  Sets
# vm_watch_result to why it was stopped ("SILENT_MSG after Ns",
# "timeout Ns"), or to nothing when QEMU ended by itself.
# Sourced by scripts/guest/boot.sh and tests/kernel/run.sh.
vm_watch() {
    vm_watch_result=
    while kill -0 "$1" 2>/dev/null; do
        vm_watch_el=$(( $(date +%s) - $5 ))
        if [ ! -s "$2" ] && [ "$vm_watch_el" -ge "$3" ]; then
            vm_watch_result="$6 after ${3}s"
        elif [ "$vm_watch_el" -ge "$4" ]; then
            vm_watch_result="timeout ${4}s"
        fi
        if [ -n "$vm_watch_result" ]; then
            kill "$1" 2>/dev/null || true
            sleep 1
            kill -9 "$1" 2>/dev/null || true
            return 0
        fi
        sleep 0.5
    done
}
