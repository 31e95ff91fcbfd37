module example.com/geo

go 1.23

// A real project lists its private github.com/example/... modules here;
// `go mod download` fetches them over SSH during the build.
