// Command jmtebbench times package jmteb's classifiers and clustering
// algorithms on the data bench/jmteb_sklearn.py generates (the Go side of
// bench/jmteb.sh). One JSON line per step.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jretrieve/jretrieve/jmteb"
	"github.com/jretrieve/jretrieve/vecsim"
)

func load(dir, name string) (vecsim.Matrix, []int) {
	x, err := vecsim.ReadNPYFile(filepath.Join(dir, name+".npy"))
	if err != nil {
		fail(err)
	}
	f, err := os.Open(filepath.Join(dir, name+"_labels.npy"))
	if err != nil {
		fail(err)
	}
	defer f.Close()
	y, err := readInt64NPY(f)
	if err != nil {
		fail(fmt.Errorf("%s labels: %w", name, err))
	}
	return x, y
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "jmtebbench:", err)
	os.Exit(1)
}

// cpu returns the process's user+system CPU time.
func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var cpuStart time.Duration

func out(step string, d time.Duration, kv ...any) {
	c := cpu()
	m := map[string]any{"impl": "jretrieve", "step": step, "seconds": float64(d.Milliseconds()) / 1000,
		"cpu_seconds": float64((c - cpuStart).Milliseconds()) / 1000}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	fmt.Println(string(b))
}

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: jmtebbench DIR [all|classification|clustering]"))
	}
	dir, what := os.Args[1], "all"
	if len(os.Args) > 2 {
		what = os.Args[2]
	}
	ctx := context.Background()
	if what == "all" || what == "classification" {
		xtr, ytr := load(dir, "train")
		xv, yv := load(dir, "val")
		for name, c := range map[string]jmteb.Classifier{"knn_cosine_k_2": &jmteb.KNN{K: 2}} {
			t := time.Now()
			cpuStart = cpu()
			if err := c.Fit(ctx, xtr, ytr); err != nil {
				fail(err)
			}
			p := c.Predict(xv)
			out(name, time.Since(t), "macro_f1", jmteb.MacroF1(yv, p))
		}
		lr := &jmteb.LogReg{}
		t := time.Now()
		cpuStart = cpu()
		if err := lr.Fit(ctx, xtr, ytr); err != nil {
			fail(err)
		}
		p := lr.Predict(xv)
		out("logreg", time.Since(t), "macro_f1", jmteb.MacroF1(yv, p), "n_iter", lr.NIter)
	}
	if what == "all" || what == "clustering" {
		x, y := load(dir, "clus")
		k := map[int]bool{}
		for _, l := range y {
			k[l] = true
		}
		for _, alg := range []string{"MiniBatchKMeans", "AgglomerativeClustering", "BisectingKMeans", "Birch"} {
			t := time.Now()
			cpuStart = cpu()
			p, err := jmteb.Cluster(ctx, alg, x, len(k), 0)
			if err != nil {
				fail(err)
			}
			_, _, v := jmteb.VMeasure(y, p)
			out(alg, time.Since(t), "v_measure", v)
		}
	}
}
