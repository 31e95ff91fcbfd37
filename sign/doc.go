// Package sign signs pushed images with a local key and verifies them, in
// cosign's format, so `cosign verify --key KEY.pub --insecure-ignore-tlog`
// accepts what it signs and it accepts what cosign signs with a local key:
// a signature image at REPO:sha256-HEX.sig whose layers are "simple
// signing" payloads (application/vnd.dev.cosign.simplesigning.v1+json)
// naming the signed manifest digest, each with its base64 signature in the
// dev.cosignproject.cosign/signature annotation.
//
// The payload, the keys and the signatures are sigstore's own code
// (github.com/sigstore/sigstore: pkg/signature/payload, pkg/signature and
// pkg/cryptoutils), with SHA-256 as cosign uses for key-based signing;
// go-containerregistry stores them. Key-based signing needs neither Rekor
// nor Fulcio, and cosign's own module (pkg/oci) would bring about eighty
// more modules (Rekor, TUF, go-openapi, ...) for the one tag and layer
// layout written here. Keys are PEM, as cosign reads them: cosign's
// encrypted private key files (`cosign generate-key-pair`, ENCRYPTED
// SIGSTORE PRIVATE KEY, password from COSIGN_PASSWORD or the terminal),
// unencrypted PKCS#8, SEC 1 or PKCS#1 keys (ECDSA, RSA or Ed25519), and
// PKIX public keys, as `cosign public-key` prints.
package sign
