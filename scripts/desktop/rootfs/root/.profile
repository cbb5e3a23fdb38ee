# vgt desktop: root's login profile.  On tty1 (the autologin) it becomes
# the weston session; elsewhere (ttyS0) it is an ordinary shell.
if [ -f ~/.bashrc ]; then . ~/.bashrc; fi
if [ "$(tty)" = /dev/tty1 ]; then
    exec /usr/local/bin/vgt-desktop-session
fi
