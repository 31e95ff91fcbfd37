package sign

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/sigstore/sigstore/pkg/signature/payload"
)

const (
	payloadType         = "application/vnd.dev.cosign.simplesigning.v1+json"
	signatureAnnotation = "dev.cosignproject.cosign/signature"
)

// PasswordFunc returns the password of an encrypted private key, as
// cosign does: COSIGN_PASSWORD when it is set, else what the terminal (or
// a pipe on stdin) gives. It is asked for only for encrypted keys.
func PasswordFunc(confirm bool) ([]byte, error) {
	if pw, ok := os.LookupEnv("COSIGN_PASSWORD"); ok {
		return []byte(pw), nil
	}
	return cryptoutils.GetPasswordFromStdIn(confirm)
}

// LoadSigner reads a PEM private key, cosign's encrypted format (its
// password from pass) or an unencrypted one, and returns sigstore's signer
// for it, hashing with SHA-256 as cosign does.
func LoadSigner(path string, pass cryptoutils.PassFunc) (signature.Signer, error) {
	dt, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := cryptoutils.UnmarshalPEMToPrivateKey(dt, pass)
	if err != nil {
		if strings.Contains(err.Error(), "decryption failed") {
			return nil, fmt.Errorf("%s: the password does not open this encrypted key (set COSIGN_PASSWORD to its password)", path)
		}
		return nil, fmt.Errorf("%s: not a private key cosign reads (PEM: ENCRYPTED SIGSTORE PRIVATE KEY, PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY): %v", path, err)
	}
	s, err := signature.LoadSignerVerifier(k, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return s, nil
}

// LoadVerifier reads a PEM public key (PKIX, as `cosign public-key`
// prints) and returns sigstore's verifier for it.
func LoadVerifier(path string) (signature.Verifier, error) {
	dt, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := cryptoutils.UnmarshalPEMToPublicKey(dt)
	if err != nil {
		return nil, fmt.Errorf("%s: not a PEM public key: %v", path, err)
	}
	v, err := signature.LoadVerifier(k, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return v, nil
}

func options(ctx context.Context) []remote.Option {
	return []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}
}

// Resolve returns the digest reference an image reference names now.
func Resolve(ctx context.Context, ref string) (name.Digest, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return name.Digest{}, err
	}
	if d, ok := r.(name.Digest); ok {
		return d, nil
	}
	desc, err := remote.Head(r, options(ctx)...)
	if err != nil {
		return name.Digest{}, err
	}
	return r.Context().Digest(desc.Digest.String()), nil
}

// signatureTag is where cosign keeps an image's signatures.
func signatureTag(d name.Digest) name.Tag {
	return d.Context().Tag(strings.Replace(d.DigestStr(), ":", "-", 1) + ".sig")
}

// Sign adds a signature of the image d to its signature image, keeping the
// signatures already there.
func Sign(ctx context.Context, d name.Digest, s signature.Signer) error {
	body, err := json.Marshal(payload.Cosign{Image: d})
	if err != nil {
		return err
	}
	sig, err := s.SignMessage(bytes.NewReader(body))
	if err != nil {
		return err
	}
	tag := signatureTag(d)
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	if img, err := remote.Image(tag, options(ctx)...); err == nil {
		base = img
	} else if !isNotFound(err) {
		return err
	}
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:       static.NewLayer(body, payloadType),
		Annotations: map[string]string{signatureAnnotation: base64.StdEncoding.EncodeToString(sig)},
	})
	if err != nil {
		return err
	}
	return remote.Write(tag, img, options(ctx)...)
}

func isNotFound(err error) bool {
	var te *transport.Error
	return errors.As(err, &te) && te.StatusCode == 404
}

// ErrNotSigned is returned by Verify when no signature verifies.
var ErrNotSigned = errors.New("no signature verifies with the given keys")

// Verify checks that the image d has a signature, made by one of keys,
// of a cosign payload naming d's digest.
func Verify(ctx context.Context, d name.Digest, keys []signature.Verifier) error {
	img, err := remote.Image(signatureTag(d), options(ctx)...)
	if isNotFound(err) {
		return fmt.Errorf("%s: %w (it has no signatures at %s)", d, ErrNotSigned, signatureTag(d))
	}
	if err != nil {
		return err
	}
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	for _, l := range m.Layers {
		if verifyLayer(img, l, d, keys) {
			return nil
		}
	}
	return fmt.Errorf("%s: %w (%d signatures there)", d, ErrNotSigned, len(m.Layers))
}

// verifyLayer reports whether one signature layer is a payload naming d,
// signed by one of keys. A layer that is not (another image's payload, a
// signature by another key, a damaged blob) is skipped, as cosign does.
func verifyLayer(img v1.Image, l v1.Descriptor, d name.Digest, keys []signature.Verifier) bool {
	sig, err := base64.StdEncoding.DecodeString(l.Annotations[signatureAnnotation])
	if err != nil || len(sig) == 0 {
		return false
	}
	body, err := layerBytes(img, l)
	if err != nil {
		return false
	}
	var p payload.Cosign
	if err := json.Unmarshal(body, &p); err != nil || p.Image.DigestStr() != d.DigestStr() {
		return false
	}
	for _, k := range keys {
		if k.VerifySignature(bytes.NewReader(sig), bytes.NewReader(body)) == nil {
			return true
		}
	}
	return false
}

func layerBytes(img v1.Image, l v1.Descriptor) ([]byte, error) {
	layer, err := img.LayerByDigest(l.Digest)
	if err != nil {
		return nil, err
	}
	rc, err := layer.Compressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 1<<20))
}
