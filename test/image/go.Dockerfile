# A local stand-in for golang:<version>-<suite>, which cannot be pulled here: the base image plus the machine's own
# Go toolchain (the build context is `go env GOROOT`). deploy/Dockerfile builds kustomize with it (GO_IMAGE).
ARG BASE
FROM ${BASE}
COPY . /usr/local/go
ENV GOTOOLCHAIN=local GOPATH=/go PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN go version
