package sign

import (
	"context"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// keyPair writes a P-256 key pair as `cosign generate-key-pair` does
// (sigstore's encrypted PEM, ENCRYPTED SIGSTORE PRIVATE KEY) when password
// is non-nil, else as an unencrypted PKCS#8 PEM.
func keyPair(t *testing.T, password []byte) (priv, pub string) {
	t.Helper()
	pf := cryptoutils.SkipPassword
	if password != nil {
		pf = cryptoutils.StaticPasswordFunc(password)
	}
	privPEM, pubPEM, err := cryptoutils.GeneratePEMEncodedECDSAKeyPair(elliptic.P256(), pf)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	priv, pub = filepath.Join(dir, "cosign.key"), filepath.Join(dir, "cosign.pub")
	if err := os.WriteFile(priv, privPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, pubPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

func TestLoadSignerReadsCosignEncryptedKeys(t *testing.T) {
	priv, pub := keyPair(t, []byte("s3cret"))
	dt, _ := os.ReadFile(priv)
	if !strings.HasPrefix(string(dt), "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----") {
		t.Fatalf("not cosign's encrypted format:\n%s", dt)
	}
	s, err := LoadSigner(priv, cryptoutils.StaticPasswordFunc([]byte("s3cret")))
	if err != nil {
		t.Fatal(err)
	}
	v, err := LoadVerifier(pub)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := s.SignMessage(strings.NewReader("m"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.VerifySignature(strings.NewReader(string(sig)), strings.NewReader("m")); err != nil {
		t.Errorf("the public key does not verify the key's signature: %v", err)
	}
	_, err = LoadSigner(priv, cryptoutils.StaticPasswordFunc([]byte("wrong")))
	if err == nil || !strings.Contains(err.Error(), "the password does not open this encrypted key") {
		t.Errorf("a wrong password: %v", err)
	}
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(bad, []byte("-----BEGIN CERTIFICATE REQUEST-----\nAA==\n-----END CERTIFICATE REQUEST-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSigner(bad, nil); err == nil || !strings.HasPrefix(err.Error(), bad+": not a private key cosign reads") {
		t.Errorf("LoadSigner: %v", err)
	}
	if _, err := LoadVerifier(bad); err == nil || !strings.HasPrefix(err.Error(), bad+": not a PEM public key") {
		t.Errorf("LoadVerifier: %v", err)
	}
}

// pushRandom pushes a random image to an in-memory registry and returns
// its digest reference.
func pushRandom(t *testing.T, host, repo string) name.Digest {
	t.Helper()
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(host + "/" + repo + ":1")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	d, err := Resolve(context.Background(), tag.String())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Sign stores cosign's layout (REPO:sha256-HEX.sig, one simple-signing
// layer per signature, the signature in the cosign annotation); Verify
// accepts it with the signer's public key only, and only for the signed
// digest.
func TestSignStoresCosignLayoutAndVerifies(t *testing.T) {
	srv := httptest.NewServer(registry.New())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	ctx := context.Background()
	signed := pushRandom(t, host, "app")
	other := pushRandom(t, host, "other")

	priv, pub := keyPair(t, nil)
	s, err := LoadSigner(priv, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, otherPub := keyPair(t, nil)
	v, err := LoadVerifier(pub)
	if err != nil {
		t.Fatal(err)
	}
	ov, err := LoadVerifier(otherPub)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(ctx, signed, []signature.Verifier{v}); !errors.Is(err, ErrNotSigned) {
		t.Fatalf("before signing: %v, want ErrNotSigned", err)
	}
	for range 2 {
		if err := Sign(ctx, signed, s); err != nil {
			t.Fatal(err)
		}
	}

	img, err := remote.Image(signatureTag(signed))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := signatureTag(signed).TagStr(), "sha256-"+strings.TrimPrefix(signed.DigestStr(), "sha256:")+".sig"; got != want {
		t.Errorf("signature tag %s, want %s", got, want)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Layers) != 2 {
		t.Fatalf("%d signature layers, want 2 (signing again keeps the first)", len(m.Layers))
	}
	l := m.Layers[0]
	if l.MediaType != payloadType || l.Annotations[signatureAnnotation] == "" {
		t.Errorf("layer %s with annotations %v, want %s with %s", l.MediaType, l.Annotations, payloadType, signatureAnnotation)
	}
	body, err := layerBytes(img, l)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Critical struct {
			Identity struct {
				DockerReference string `json:"docker-reference"`
			} `json:"identity"`
			Image struct {
				DockerManifestDigest string `json:"docker-manifest-digest"`
			} `json:"image"`
			Type string `json:"type"`
		} `json:"critical"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Critical.Type != "cosign container image signature" || p.Critical.Image.DockerManifestDigest != signed.DigestStr() || p.Critical.Identity.DockerReference != signed.Context().Name() {
		t.Errorf("payload %s does not name %s", body, signed)
	}
	sig, _ := base64.StdEncoding.DecodeString(l.Annotations[signatureAnnotation])
	if err := v.VerifySignature(strings.NewReader(string(sig)), strings.NewReader(string(body))); err != nil {
		t.Errorf("the annotation is not a signature of the payload: %v", err)
	}

	if err := Verify(ctx, signed, []signature.Verifier{v}); err != nil {
		t.Errorf("the signer's key: %v", err)
	}
	if err := Verify(ctx, signed, []signature.Verifier{ov, v}); err != nil {
		t.Errorf("one of two keys is the signer's: %v", err)
	}
	if err := Verify(ctx, signed, []signature.Verifier{ov}); !errors.Is(err, ErrNotSigned) {
		t.Errorf("another key: %v, want ErrNotSigned", err)
	}
	// A signature image copied beside another image does not sign it: the
	// payload names the digest it was made for.
	if err := remote.Write(signatureTag(other), img); err != nil {
		t.Fatal(err)
	}
	if err := Verify(ctx, other, []signature.Verifier{v}); !errors.Is(err, ErrNotSigned) {
		t.Errorf("a payload naming another digest: %v, want ErrNotSigned", err)
	}
}
