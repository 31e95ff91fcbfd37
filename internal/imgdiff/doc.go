// Package imgdiff compares two images as a user of them would: the
// flattened file tree (path, type, mode, owner, size, content digest,
// link target, xattrs; times left out) and the config fields a container
// sees (Env, Entrypoint, Cmd, User, WorkingDir, ExposedPorts, Volumes,
// Labels, Healthcheck with StartInterval, StopSignal, Shell, OnBuild,
// Author). Images come from OCI layouts or registries, through
// go-containerregistry. The e2e parity tests use it to show a Dockerfile
// and its buildlang twin build the same image; hack/imgdiff is the same
// comparison on the command line.
package imgdiff
