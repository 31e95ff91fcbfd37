// Package buildxstore reads docker buildx's own builder store, so
// `buildlang build --builder NAME` builds on the nodes a user set up with
// `docker buildx create`. It reads the store's documented JSON (one file
// per builder under instances/, in $BUILDX_CONFIG, else
// $DOCKER_CONFIG/buildx, else ~/.docker/buildx) rather than importing
// buildx, whose module would bring the docker CLI and engine client with
// it; TestReadsBuildxCreate in cli_e2e checks it against a store written by
// a real `buildx create`.
//
// Endpoint maps each node to an address BuildKit's client dials, as
// buildx's drivers reach their daemons: remote nodes at their endpoint
// (with the TLS files of their driver options), docker-container nodes in
// their container (docker-container://buildx_buildkit_NODE), kubernetes
// nodes in a pod of their deployment (kube-pod://). The docker driver's
// daemon is the engine's own BuildKit, which only the engine's API
// reaches; it is refused with what to use instead.
package buildxstore
