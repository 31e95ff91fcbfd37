package cli_e2e

import (
	"crypto/elliptic"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
)

// writeKeyPair writes a PEM EC P-256 key pair into dir: with a password,
// the private key in cosign's encrypted format (what `cosign
// generate-key-pair` writes: sigstore's ENCRYPTED SIGSTORE PRIVATE KEY),
// else unencrypted PKCS#8.
func writeKeyPair(t *testing.T, dir, name, password string) (priv, pub string) {
	t.Helper()
	pf := cryptoutils.SkipPassword
	if password != "" {
		pf = cryptoutils.StaticPasswordFunc([]byte(password))
	}
	privPEM, pubPEM, err := cryptoutils.GeneratePEMEncodedECDSAKeyPair(elliptic.P256(), pf)
	if err != nil {
		t.Fatal(err)
	}
	priv, pub = filepath.Join(dir, name+".key"), filepath.Join(dir, name+".pub")
	if err := os.WriteFile(priv, privPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, pubPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

// A pushed image signed with a local key verifies with its public key and
// not with another; a policy requiring signed bases refuses an unsigned
// base before anything is solved, and builds from a signed one.
func TestSignVerifyAndSignedBasePolicy(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	repo := env.Registry + "/supply-sign-" + runID
	pushBusybox(t, env, repo+"/signed:1", "signed")
	pushBusybox(t, env, repo+"/unsigned:1", "unsigned")
	dir := t.TempDir()
	priv, pub := writeKeyPair(t, dir, "release", "release-password")
	otherPriv, otherPub := writeKeyPair(t, dir, "other", "")

	if r := buildlang(t, env, dir, map[string]string{"COSIGN_PASSWORD": "wrong"}, "sign", "--key", priv, repo+"/signed:1"); r.code == 0 || !strings.Contains(r.stderr, "the password does not open this encrypted key") {
		t.Errorf("sign with a wrong COSIGN_PASSWORD: exit %d:\n%s", r.code, r.stderr)
	}
	mustBuild(t, env, dir, map[string]string{"COSIGN_PASSWORD": "release-password"}, "sign", "--key", priv, repo+"/signed:1")
	// An unencrypted key signs too; its signature joins the first.
	mustBuild(t, env, dir, nil, "sign", "--key", otherPriv, repo+"/signed:1")
	if r := mustBuild(t, env, dir, nil, "verify", "--key", pub, repo+"/signed:1"); !strings.Contains(r.stderr, "verified "+repo+"/signed@sha256:") {
		t.Errorf("verify does not say what it verified:\n%s", r.stderr)
	}
	if r := mustBuild(t, env, dir, nil, "verify", "--key", otherPub, repo+"/signed:1"); !strings.Contains(r.stderr, "verified ") {
		t.Errorf("the second key's signature does not verify:\n%s", r.stderr)
	}
	_, strangerPub := writeKeyPair(t, dir, "stranger", "")
	for _, c := range []struct{ key, image string }{{strangerPub, repo + "/signed:1"}, {pub, repo + "/unsigned:1"}} {
		if r := buildlang(t, env, dir, nil, "verify", "--key", c.key, c.image); r.code != 1 || !strings.Contains(r.stderr, "no signature verifies") {
			t.Errorf("verify --key %s %s: exit %d, want 1:\n%s", filepath.Base(c.key), c.image, r.code, r.stderr)
		}
	}

	build := func(base string) result {
		proj := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`policy "signed" {
  signed_by = ["release.pub"]
}

environment "prod" {
  policy = policy.signed
}

target "app" {
  from = %q
}
`, base), "release.pub": readFile(t, pub)})
		return buildlang(t, env, proj, nil, "build", "--env", "prod", "--progress", "plain", "-o", "type=local,dest="+t.TempDir())
	}
	if r := build(repo + "/unsigned:1"); r.code != 1 || !strings.Contains(r.stderr, "refused before the build") || strings.Contains(r.stderr, "#1 ") {
		t.Errorf("an unsigned base: exit %d, want a refusal before any solve:\n%s", r.code, tail(r.stderr))
	}
	if r := build(repo + "/signed:1"); r.code != 0 {
		t.Errorf("a signed base: exit %d\n%s", r.code, tail(r.stderr))
	}
}
