package sign

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
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
)

const (
	payloadType         = "application/vnd.dev.cosign.simplesigning.v1+json"
	signatureAnnotation = "dev.cosignproject.cosign/signature"
)

// payload is cosign's simple signing payload.
type payload struct {
	Critical struct {
		Identity struct {
			DockerReference string `json:"docker-reference"`
		} `json:"identity"`
		Image struct {
			DockerManifestDigest string `json:"docker-manifest-digest"`
		} `json:"image"`
		Type string `json:"type"`
	} `json:"critical"`
	Optional map[string]any `json:"optional"`
}

// LoadPrivateKey reads an unencrypted PEM EC P-256 private key.
func LoadPrivateKey(path string) (*ecdsa.PrivateKey, error) {
	b, err := readPEM(path)
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
		return p256(k, path)
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: not an unencrypted EC private key (%s block): %v", path, b.Type, err)
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: a %T, not an ECDSA key", path, k)
	}
	return p256(ek, path)
}

func p256(k *ecdsa.PrivateKey, path string) (*ecdsa.PrivateKey, error) {
	if k.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%s: the key is on %s; cosign keys are P-256", path, k.Curve.Params().Name)
	}
	return k, nil
}

// LoadPublicKey reads a PEM PKIX ECDSA public key.
func LoadPublicKey(path string) (*ecdsa.PublicKey, error) {
	b, err := readPEM(path)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: not a public key: %v", path, err)
	}
	ek, ok := k.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%s: a %T, not an ECDSA public key", path, k)
	}
	return ek, nil
}

func readPEM(path string) (*pem.Block, error) {
	dt, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b, _ := pem.Decode(dt)
	if b == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	if strings.Contains(b.Type, "ENCRYPTED") {
		return nil, fmt.Errorf("%s: an encrypted key (%s); give an unencrypted PEM EC key, e.g. from openssl ecparam -name prime256v1 -genkey", path, b.Type)
	}
	return b, nil
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
func Sign(ctx context.Context, d name.Digest, key *ecdsa.PrivateKey) error {
	var p payload
	p.Critical.Identity.DockerReference = d.Context().Name()
	p.Critical.Image.DockerManifestDigest = d.DigestStr()
	p.Critical.Type = "cosign container image signature"
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	sig, err := ecdsa.SignASN1(rand.Reader, key, sum[:])
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
// of a payload naming d's digest.
func Verify(ctx context.Context, d name.Digest, keys []*ecdsa.PublicKey) error {
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
		if ok, _ := verifyLayer(img, l, d, keys); ok {
			return nil
		}
	}
	return fmt.Errorf("%s: %w (%d signatures there)", d, ErrNotSigned, len(m.Layers))
}

func verifyLayer(img v1.Image, l v1.Descriptor, d name.Digest, keys []*ecdsa.PublicKey) (bool, error) {
	sig, err := base64.StdEncoding.DecodeString(l.Annotations[signatureAnnotation])
	if err != nil || len(sig) == 0 {
		return false, err
	}
	layer, err := img.LayerByDigest(l.Digest)
	if err != nil {
		return false, err
	}
	rc, err := layer.Compressed()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	if err != nil {
		return false, err
	}
	var p payload
	if err := json.Unmarshal(body, &p); err != nil || p.Critical.Image.DockerManifestDigest != d.DigestStr() {
		return false, err
	}
	sum := sha256.Sum256(body)
	for _, k := range keys {
		if ecdsa.VerifyASN1(k, sum[:], sig) {
			return true, nil
		}
	}
	return false, nil
}
