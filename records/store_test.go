package records

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestStoreSaveListPrune(t *testing.T) {
	s := Open(filepath.Join(t.TempDir(), StateDir))
	s.MaxPerTarget = 3
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 5 {
		for _, target := range []string{"app", "my_lib"} {
			r := &Record{ID: NewID(start.Add(time.Duration(i) * time.Second)), Target: target, Platform: "linux/arm/v7", Steps: []*Step{}}
			if err := s.Save(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	all, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 6 {
		t.Fatalf("%d records kept, want 3 per target", len(all))
	}
	app := Filter(all, "my_lib", "linux/arm/v7")
	if len(app) != 3 || app[0].ID[:15] != "20260102-030407" {
		t.Fatalf("my_lib records = %+v, want the latest 3", app)
	}
	if got := Find(app, "latest"); len(got) != 1 || got[0] != app[2] {
		t.Errorf("Find latest = %+v", got)
	}
	if got := Find(app, "latest~2"); len(got) != 1 || got[0] != app[0] {
		t.Errorf("Find latest~2 = %+v", got)
	}
	if got := Find(app, "latest~3"); len(got) != 0 {
		t.Errorf("Find latest~3 = %+v, want none", got)
	}
	r, err := s.Load(app[2])
	if err != nil || r.Target != "my_lib" || r.Version != Version {
		t.Fatalf("Load = %+v, %v", r, err)
	}
	k1, err := s.Key()
	if err != nil {
		t.Fatal(err)
	}
	if k2, _ := s.Key(); string(k1) != string(k2) || len(k1) != 32 {
		t.Errorf("the key is not stable")
	}
	if fi, err := os.Stat(filepath.Join(s.Dir(), "key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode: %v %v", fi.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), ".gitignore")); err != nil {
		t.Errorf("no .gitignore: %v", err)
	}
	// A byte bound keeps the newest records that fit.
	removed, err := s.Prune(0, all[5].Size+all[4].Size)
	if err != nil || len(removed) != 4 {
		t.Errorf("pruned %d, %v; want 4", len(removed), err)
	}
}

func TestLatestBuild(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	es := []Entry{{ID: NewID(at.Add(-time.Second)), Target: "old"}, {ID: NewID(at), Target: "a"}, {ID: NewID(at), Target: "b"}}
	got := LatestBuild(es)
	if len(got) != 2 || got[0].Target != "a" || got[1].Target != "b" {
		t.Errorf("LatestBuild = %+v, want a and b", got)
	}
}
