# The cmrecon image for the CMRxRecon test phase: the organisers mount the undersampled
# tree read-only at /input and an empty folder at /output, start the container without a
# network, and score what it leaves in /output. See README.md, "Docker image".
#
#   docker build -t cmrecon .
#   docker run --rm --network none -v "$PWD/TaskR1-input:/input/TaskR1:ro" \
#       -v "$PWD/out:/output" cmrecon

# Build: a static binary, pure Go (no cgo), with the assembly kernels chosen at run time.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/cmrecon ./cmd/cmrecon \
	&& /out/cmrecon help >/dev/null 2>&1

# Run: the binary on distroless/static (CA certificates, tzdata and /etc/passwd; no shell,
# no libc). The user is root, so that /output can be written whoever owns it on the host.
FROM gcr.io/distroless/static-debian12
WORKDIR /app
COPY --from=build /out/cmrecon /app/cmrecon
ENV CMRECON_PROGRESS=log
ENTRYPOINT ["/app/cmrecon", "container"]
