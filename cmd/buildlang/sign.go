package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/org/buildlang/sign"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/spf13/cobra"
)

func init() {
	addCommand(signCommand)
	addCommand(verifyCommand)
}

func signCommand() *cobra.Command {
	var key string
	return withKey(&cobra.Command{
		Use:   "sign --key KEY IMAGE...",
		Short: "Sign pushed images with a local key, in cosign's format",
		Long: "Sign resolves each IMAGE (a tag or name@digest) in its registry and adds a\n" +
			"signature of that digest, in cosign's format (REPO:sha256-HEX.sig), made with\n" +
			"KEY, a PEM private key: cosign's encrypted key file (`cosign generate-key-pair`;\n" +
			"its password from COSIGN_PASSWORD or the terminal) or an unencrypted one.\n" +
			"`cosign verify --key KEY.pub --insecure-ignore-tlog IMAGE` and `buildlang\n" +
			"verify` accept it.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, images []string) error {
			k, err := sign.LoadSigner(key, sign.PasswordFunc)
			if err != nil {
				return err
			}
			ctx := cmdContext(cmd)
			for _, img := range images {
				d, err := sign.Resolve(ctx, img)
				if err != nil {
					return fmt.Errorf("%s: %w", img, err)
				}
				if err := sign.Sign(ctx, d, k); err != nil {
					return fmt.Errorf("signing %s: %w", d, err)
				}
				fmt.Fprintf(os.Stderr, "signed %s\n", d)
			}
			return nil
		},
	}, &key, "private key (PEM, cosign's encrypted format or unencrypted)")
}

func verifyCommand() *cobra.Command {
	var key string
	return withKey(&cobra.Command{
		Use:   "verify --key KEY.pub IMAGE...",
		Short: "Verify images' cosign-format signatures against a public key",
		Long: "Verify checks that each IMAGE, as its registry has it now, carries a\n" +
			"cosign-format signature of its digest by KEY.pub (PEM PKIX). It exits 1\n" +
			"when one does not.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, images []string) error {
			k, err := sign.LoadVerifier(key)
			if err != nil {
				return err
			}
			ctx := cmdContext(cmd)
			failed := false
			for _, img := range images {
				d, err := sign.Resolve(ctx, img)
				if err == nil {
					err = sign.Verify(ctx, d, []signature.Verifier{k})
				}
				if err != nil {
					if !errors.Is(err, sign.ErrNotSigned) {
						return fmt.Errorf("%s: %w", img, err)
					}
					fmt.Fprintf(os.Stderr, "buildlang: %s: %v\n", img, err)
					failed = true
					continue
				}
				fmt.Fprintf(os.Stderr, "verified %s\n", d)
			}
			if failed {
				return exitError{1}
			}
			return nil
		},
	}, &key, "public key (PEM)")
}

func withKey(cmd *cobra.Command, key *string, usage string) *cobra.Command {
	cmd.Flags().StringVar(key, "key", "", usage)
	_ = cmd.MarkFlagRequired("key")
	return cmd
}

func cmdContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
