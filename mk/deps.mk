# Debian packages.  Fragments append to DEB_PACKAGES; the stamp re-runs the
# installer whenever the list changes (and it is a no-op when all are there).

DEB_PACKAGES += build-essential ca-certificates dpkg-dev pkg-config python3 \
	ninja-build meson ccache flex bison libglib2.0-dev libpixman-1-dev \
	zlib1g-dev libfdt-dev libpng-dev libxen-dev seabios

DEPS_STAMP = $(STAMPS)/deps-$(shell echo $(sort $(DEB_PACKAGES)) | md5sum | cut -c1-12)

deps: $(DEPS_STAMP)

# A pattern rule: DEPS_STAMP is expanded in prerequisites as each fragment is
# read, so fragments that append to DEB_PACKAGES later name a different stamp;
# every name runs the installer with the final list (a no-op when all is there).
$(STAMPS)/deps-%:
	@mkdir -p $(STAMPS)
	@$(TOP)/scripts/install-deps.sh $(sort $(DEB_PACKAGES))
	@touch $@

.PHONY: deps
