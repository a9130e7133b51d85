# A local stand-in for node:<major>-<suite>-slim, which cannot be pulled here: a debootstrap'd Debian rootfs
# (minbase), trimmed like Debian's slim images, plus Node.js and npm from the npm registry. build-image.sh makes
# the context (rootfs.tar, node/, npm/) and builds this with `buildah build --squash` into one layer.
FROM scratch
ADD rootfs.tar /
ARG SUITE
ARG MIRROR
ARG SECURITY_MIRROR
# Debian's sources as the official images have them (main, updates, security), from the mirror the host uses;
# security updates applied; no package lists, caches, docs, man pages or locales kept (dpkg leaves them out of
# later installs too).
RUN set -eu; \
    rm -f /etc/apt/sources.list; \
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg; \
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: %s\n\n' \
      "$MIRROR" "$SUITE" "$SUITE" "$keyring" >/etc/apt/sources.list.d/debian.sources; \
    printf 'Types: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: %s\n' \
      "$SECURITY_MIRROR" "$SUITE" "$keyring" >>/etc/apt/sources.list.d/debian.sources; \
    printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
      'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/groff/*' \
      'path-exclude /usr/share/lintian/*' 'path-exclude /usr/share/linda/*' 'path-exclude /usr/share/locale/*' \
      >/etc/dpkg/dpkg.cfg.d/docker-slim; \
    printf '%s\n' 'Acquire::Languages "none";' >/etc/apt/apt.conf.d/docker-no-languages; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get -y upgrade; \
    apt-get clean; \
    find /usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete; \
    find /usr/share/doc -mindepth 1 -type d -empty -delete; \
    rm -rf /usr/share/man/* /usr/share/info/* /usr/share/groff/* /usr/share/lintian/* /usr/share/locale/* \
      /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old /var/lib/dpkg/*-old /var/log/* \
      /tmp/* /var/tmp/*
COPY node/bin/node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
ARG NODE_VERSION
RUN set -eu; \
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \
    test "$(node --version)" = "v${NODE_VERSION}"; \
    echo "node $(node --version), npm $(npm --version)"; \
    rm -rf /tmp/* /root/.npm
ENV NODE_VERSION=${NODE_VERSION}
CMD ["node"]
