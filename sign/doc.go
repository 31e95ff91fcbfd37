// Package sign signs pushed images with a local key and verifies them, in
// cosign's format, so `cosign verify --key KEY.pub --insecure-ignore-tlog`
// accepts what it signs and it accepts what cosign signs with a local key:
// a signature image at REPO:sha256-HEX.sig whose layers are "simple
// signing" payloads (application/vnd.dev.cosign.simplesigning.v1+json)
// naming the signed manifest digest, each with its base64 ECDSA P-256
// signature in the dev.cosignproject.cosign/signature annotation.
//
// It is written on the standard library's crypto and go-containerregistry
// rather than the sigstore libraries (which the module proxy serves):
// key-based signing needs neither Rekor nor Fulcio, only ECDSA and the
// registry, and cosign's module graph is large. Keys are PEM: an EC P-256 private key (PKCS#8 or SEC 1,
// unencrypted; cosign's own encrypted key files are not read) and a PKIX
// public key, as `cosign public-key` prints.
package sign
