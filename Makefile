# make            build dist/ (needs Node.js and the npm packages)
# make install    install dist/ to $(DESTDIR)$(PREFIX)/share/cockpit/cockpit-migrate and the AppStream
#                 metainfo to $(DESTDIR)$(PREFIX)/share/metainfo; needs no Node.js when dist/ exists
#                 (a release tarball from `npm run dist` ships it), so distribution builds need no network
# make check      the full test suite (npm test)
PREFIX ?= /usr
PACKAGE = cockpit-migrate
METAINFO = org.cockpit_project.cockpit_migrate.metainfo.xml

all: dist/manifest.json

dist/manifest.json:
	npm run build

install: dist/manifest.json
	rm -rf "$(DESTDIR)$(PREFIX)/share/cockpit/$(PACKAGE)"
	mkdir -p "$(DESTDIR)$(PREFIX)/share/cockpit/$(PACKAGE)" "$(DESTDIR)$(PREFIX)/share/metainfo"
	cp -R dist/. "$(DESTDIR)$(PREFIX)/share/cockpit/$(PACKAGE)/"
	install -m 644 packaging/$(METAINFO) "$(DESTDIR)$(PREFIX)/share/metainfo/$(METAINFO)"

check:
	npm test

.PHONY: all install check
