# make            build dist/
# make install    install to $(DESTDIR)$(PREFIX)/share/cockpit/cockpit-migrate
PREFIX ?= /usr
export PREFIX DESTDIR

all:
	npm run build

install:
	node scripts/install-system.mjs

check:
	npm test

.PHONY: all install check
