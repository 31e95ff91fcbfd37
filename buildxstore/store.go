package buildxstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Builder is one builder of the store: buildx's NodeGroup, the fields
// buildlang uses.
type Builder struct {
	Name   string
	Driver string // remote, docker-container, kubernetes, docker
	Nodes  []Node
}

// Node is one node of a builder: buildx's store.Node.
type Node struct {
	Name     string
	Endpoint string
	// Platforms are the ones `buildx create --platform` declared.
	Platforms  []ocispecs.Platform
	DriverOpts map[string]string
}

// Dir is the store's directory: $BUILDX_CONFIG, else $DOCKER_CONFIG/buildx,
// else ~/.docker/buildx, as buildx's confutil finds it.
func Dir(getenv func(string) string) (string, error) {
	if d := getenv("BUILDX_CONFIG"); d != "" {
		return d, nil
	}
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return filepath.Join(d, "buildx"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding buildx's builder store: %w; set BUILDX_CONFIG", err)
	}
	return filepath.Join(home, ".docker", "buildx"), nil
}

// namePattern is buildx's rule for builder names (store.ValidateName);
// the store keeps them lowercased.
var namePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9\.\-_]*$`)

// Load reads the builder named name from the store in dir.
func Load(dir, name string) (*Builder, error) {
	if !namePattern.MatchString(name) {
		return nil, fmt.Errorf("--builder %q: not a buildx builder name (a letter, then letters, digits, '.', '-' or '_')", name)
	}
	path := filepath.Join(dir, "instances", strings.ToLower(name))
	dt, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("--builder %s: buildx has no builder of that name (no %s); `docker buildx ls` lists them, `docker buildx create --name %s --driver remote tcp://HOST:1234` makes one", name, path, name)
	}
	if err != nil {
		return nil, fmt.Errorf("--builder %s: %w", name, err)
	}
	// The store's JSON, as buildx writes it (store.NodeGroup, store.Node).
	var ng struct {
		Name, Driver string
		Nodes        []struct {
			Name, Endpoint string
			Platforms      []ocispecs.Platform
			DriverOpts     map[string]string
		}
	}
	if err := json.Unmarshal(dt, &ng); err != nil {
		return nil, fmt.Errorf("--builder %s: reading buildx's %s: %w", name, path, err)
	}
	b := &Builder{Name: ng.Name, Driver: ng.Driver}
	for _, n := range ng.Nodes {
		node := Node{Name: n.Name, Endpoint: n.Endpoint, DriverOpts: n.DriverOpts}
		for _, p := range n.Platforms {
			node.Platforms = append(node.Platforms, platforms.Normalize(p))
		}
		b.Nodes = append(b.Nodes, node)
	}
	if len(b.Nodes) == 0 {
		return nil, fmt.Errorf("--builder %s: the builder has no nodes; add one with `docker buildx create --append --name %s ENDPOINT`", name, name)
	}
	return b, nil
}

// Address is how BuildKit's client reaches a node: its address and, for
// tcp://, TLS files.
type Address struct {
	Addr                                      string
	TLSCACert, TLSCert, TLSKey, TLSServerName string
}

// Endpoint is the address of node n of builder b, as b's driver reaches
// it. lookupPod finds a running pod of a kubernetes deployment (nil:
// kubectl's answer).
func (b *Builder) Endpoint(n Node, lookupPod func(namespace, deployment string) (string, error)) (Address, error) {
	switch b.Driver {
	case "remote":
		a := Address{Addr: n.Endpoint}
		for k, v := range n.DriverOpts {
			switch k {
			case "cacert":
				a.TLSCACert = v
			case "cert":
				a.TLSCert = v
			case "key":
				a.TLSKey = v
			case "servername":
				a.TLSServerName = v
			case "default-load":
			default:
				return Address{}, fmt.Errorf("builder %s, node %s: driver option %q is not one the remote driver takes", b.Name, n.Name, k)
			}
		}
		// buildx names the server by the endpoint's host when TLS is on
		// without servername.
		if a.TLSServerName == "" && (a.TLSCACert != "" || a.TLSCert != "") {
			if u, err := url.Parse(n.Endpoint); err == nil {
				a.TLSServerName = u.Hostname()
			}
		}
		return a, nil
	case "docker-container":
		// buildx runs the node's buildkitd in a container named after it,
		// on the docker endpoint (a docker context's name, or its host).
		addr := "docker-container://buildx_buildkit_" + n.Name
		if n.Endpoint != "" && !strings.Contains(n.Endpoint, "://") {
			addr += "?context=" + url.QueryEscape(n.Endpoint)
		}
		return Address{Addr: addr}, nil
	case "kubernetes":
		// A deployment named after the node, its pods labelled app=NAME,
		// buildkitd in the container "buildkitd".
		ns := n.DriverOpts["namespace"]
		if lookupPod == nil {
			lookupPod = kubectlPod
		}
		pod, err := lookupPod(ns, n.Name)
		if err != nil {
			return Address{}, fmt.Errorf("builder %s, node %s: finding a pod of deployment %s: %w", b.Name, n.Name, n.Name, err)
		}
		q := url.Values{"container": {"buildkitd"}}
		if ns != "" {
			q.Set("namespace", ns)
		}
		return Address{Addr: "kube-pod://" + pod + "?" + q.Encode()}, nil
	case "docker":
		return Address{}, fmt.Errorf("builder %s uses the docker driver, the engine's own BuildKit, which only the docker engine's API reaches; point --addr or BUILDKIT_HOST at a buildkitd, or use a builder made with --driver docker-container or remote", b.Name)
	}
	return Address{}, fmt.Errorf("builder %s uses the driver %q, which buildlang does not know; use a builder of the remote, docker-container or kubernetes driver", b.Name, b.Driver)
}

// kubectlPod is a running pod of the deployment, as kubectl lists them.
func kubectlPod(namespace, deployment string) (string, error) {
	args := []string{"get", "pods", "--selector", "app=" + deployment, "--field-selector", "status.phase=Running",
		"--output", "jsonpath={.items[*].metadata.name}"}
	if namespace != "" {
		args = append(args, "--namespace", namespace)
	}
	out, err := exec.Command("kubectl", args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return "", fmt.Errorf("kubectl: %s", strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("kubectl: %w", err)
	}
	pods := strings.Fields(string(out))
	if len(pods) == 0 {
		return "", fmt.Errorf("no running pod (kubectl get pods --selector app=%s)", deployment)
	}
	slices.Sort(pods)
	return pods[0], nil
}
