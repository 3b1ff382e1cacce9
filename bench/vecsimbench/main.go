// Command vecsimbench is the Go side of bench/vecsim.sh: it times vecsim's
// Flat and Int8Index on the .npy data written by vecsim_faiss.py and prints
// them next to the FAISS / numpy timings (JSON lines on -anchor) with ratios.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jretrieve/jretrieve/vecsim"
)

type anchor struct {
	Threads      int     `json:"threads"`
	FaissBatch   float64 `json:"faiss_batch_s"`
	NumpyMatvec  float64 `json:"numpy_matvec_s"`
	FaissSingle  float64 `json:"faiss_single_s"`
	FaissVersion string  `json:"faiss"`
}

// Machine limits from issue 4 (Zen 5, 2 vCPUs of one core).
var (
	peakGFLOPS = map[int]float64{1: 205, 2: 405}
	peakGBs    = map[int]float64{1: 30, 2: 52}
)

func main() {
	dir := flag.String("dir", "", "directory with docs.npy and queries.npy")
	anchors := flag.String("anchor", "", "JSON lines from vecsim_faiss.py run")
	threadList := flag.String("threads", "1,2", "thread counts")
	reps := flag.Int("reps", 9, "single-query repetitions (median)")
	flag.Parse()
	if err := run(*dir, *anchors, *threadList, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "vecsimbench:", err)
		os.Exit(1)
	}
}

func median(ts []time.Duration) time.Duration {
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	return ts[len(ts)/2]
}

func run(dir, anchorPath, threadList string, reps int) error {
	docs, err := vecsim.ReadNPYFile(dir + "/docs.npy")
	if err != nil {
		return err
	}
	qs, err := vecsim.ReadNPYFile(dir + "/queries.npy")
	if err != nil {
		return err
	}
	anch := map[int]anchor{}
	if anchorPath != "" {
		f, err := os.Open(anchorPath)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var a anchor
			if err := json.Unmarshal(sc.Bytes(), &a); err == nil && a.Threads > 0 {
				anch[a.Threads] = a
			}
		}
		f.Close()
	}
	n, dim := docs.Rows, docs.Dim
	flat := vecsim.NewFlat(dim)
	if err := flat.AddBatch(nil, docs); err != nil {
		return err
	}
	docs = vecsim.Matrix{}
	runtime.GC()
	debug.FreeOSMemory()
	i8 := vecsim.NewInt8Index(flat, vecsim.ScalePerDim)
	fmt.Printf("vecsim bench: N=%d Q=%d D=%d kernels=%s GOMAXPROCS=%d\n", n, qs.Rows, dim, vecsim.Accelerated(), runtime.GOMAXPROCS(0))
	fmt.Printf("limits (issue 4): %v GFLOP/s, %v GB/s by thread count\n\n", peakGFLOPS, peakGBs)
	fmt.Printf("%-34s %3s %12s %12s %8s  %s\n", "task", "thr", "anchor", "vecsim", "speedup", "vecsim throughput")
	for _, ts := range strings.Split(threadList, ",") {
		t, err := strconv.Atoi(strings.TrimSpace(ts))
		if err != nil {
			return fmt.Errorf("bad -threads %q", threadList)
		}
		a := anch[t]
		// Batch top-10.
		t0 := time.Now()
		res := flat.SearchBatch(qs, 10, t)
		batch := time.Since(t0).Seconds()
		gf := 2 * float64(qs.Rows) * float64(n) * float64(dim) / batch / 1e9
		fmt.Printf("%-34s %3d %11.3fs %11.3fs %7.2fx  %.0f GFLOP/s = %.2f of %v\n", "batch top-10 vs FAISS IndexFlatIP", t,
			a.FaissBatch, batch, ratio(a.FaissBatch, batch), gf, gf/peakGFLOPS[t], peakGFLOPS[t])
		if ids, err := readIDs(fmt.Sprintf("%s/faiss_ids_t%d.npy", dir, t)); err == nil {
			fmt.Printf("%-34s %3d %s\n", "  agreement with FAISS top-10", t, agreement(res, ids))
		}
		// Single query, float32.
		flat.Threads = t
		var st []time.Duration
		for r := 0; r < reps; r++ {
			q := qs.Row(r % qs.Rows)
			t0 := time.Now()
			flat.Search(q, 10)
			st = append(st, time.Since(t0))
		}
		single := median(st).Seconds()
		bytes := float64(n) * float64(dim) * 4
		fmt.Printf("%-34s %3d %10.1fms %10.1fms %7.2fx  %.1f GB/s = %.2f of %v\n", "single query vs numpy matvec", t,
			a.NumpyMatvec*1e3, single*1e3, ratio(a.NumpyMatvec, single), bytes/single/1e9, bytes/single/1e9/peakGBs[t], peakGBs[t])
		fmt.Printf("%-34s %3d %10.1fms %10.1fms %7.2fx\n", "single query vs FAISS search(1)", t,
			a.FaissSingle*1e3, single*1e3, ratio(a.FaissSingle, single))
		// Single query, int8 (with and without rescoring).
		for _, rescore := range []int{0, 100} {
			st = st[:0]
			for r := 0; r < reps; r++ {
				q := qs.Row(r % qs.Rows)
				t0 := time.Now()
				i8.SearchBatch(vecsim.Matrix{Rows: 1, Dim: dim, Data: q}, 10, rescore, t)
				st = append(st, time.Since(t0))
			}
			s8 := median(st).Seconds()
			b8 := float64(n) * float64((dim+3)/4*4)
			fmt.Printf("%-34s %3d %10.1fms %10.1fms %7.2fx  %.1f GB/s = %.2f of %v\n", fmt.Sprintf("int8 (rescore %d) vs vecsim fp32", rescore), t,
				single*1e3, s8*1e3, single/s8, b8/s8/1e9, b8/s8/1e9/peakGBs[t], peakGBs[t])
		}
		flat.Threads = 0
	}
	return nil
}

func ratio(anchor, ours float64) float64 {
	if anchor == 0 || ours == 0 {
		return 0
	}
	return anchor / ours
}

// readIDs reads an int64 .npy of FAISS ids (Q x 10) with a minimal parser.
func readIDs(path string) ([][]int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" || b[6] != 1 {
		return nil, fmt.Errorf("%s: not a v1 npy", path)
	}
	hl := int(b[8]) | int(b[9])<<8
	hdr := string(b[10 : 10+hl])
	if !strings.Contains(hdr, "'<i8'") {
		return nil, fmt.Errorf("%s: not int64", path)
	}
	var q, k int
	if _, err := fmt.Sscanf(hdr[strings.Index(hdr, "'shape': (")+10:], "%d, %d)", &q, &k); err != nil {
		return nil, fmt.Errorf("%s: shape: %w", path, err)
	}
	data := b[10+hl:]
	if len(data) != q*k*8 {
		return nil, fmt.Errorf("%s: size mismatch", path)
	}
	out := make([][]int64, q)
	for i := range out {
		out[i] = make([]int64, k)
		for j := range out[i] {
			o := (i*k + j) * 8
			var v uint64
			for s := 0; s < 8; s++ {
				v |= uint64(data[o+s]) << (8 * s)
			}
			out[i][j] = int64(v)
		}
	}
	return out, nil
}

func agreement(res [][]vecsim.Result, ids [][]int64) string {
	same, total := 0, 0
	for i := range res {
		if i >= len(ids) {
			break
		}
		set := map[int64]bool{}
		for _, x := range ids[i] {
			set[x] = true
		}
		for _, r := range res[i] {
			total++
			if set[int64(r.Index)] {
				same++
			}
		}
	}
	return fmt.Sprintf("%d/%d ids shared (%.4f)", same, total, float64(same)/float64(max(total, 1)))
}
