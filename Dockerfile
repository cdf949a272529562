# syntax=docker/dockerfile:1
# Build both binaries without cgo (modernc.org/sqlite is pure Go), then ship
# them on a minimal base as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/vpsops/vpsops/internal/buildinfo.Version=${VERSION}" -o /out/bot ./cmd/bot && \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/vpsops/vpsops/internal/buildinfo.Version=${VERSION}" -o /out/mcp ./cmd/mcp && \
    mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/bot /out/mcp /usr/local/bin/
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
USER 65532:65532
# Mount a config and set VPSOPS_CONFIG (or pass --config). /healthz and the Slack/Discord HTTP endpoints listen here when http.listen is set.
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/bot"]
