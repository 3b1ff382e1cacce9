package eval

import (
	"bytes"
	"strings"
	"testing"
)

// The parsers must return a run or an error, never panic, and a run they
// accept must survive a write/read round trip.

func checkRoundTrip(t *testing.T, r *Run) {
	t.Helper()
	for _, f := range []Format{FormatLZ4, FormatJSON} {
		var buf bytes.Buffer
		if err := WriteRun(&buf, r, f); err != nil {
			t.Fatalf("%s write: %v", f, err)
		}
		back, err := ReadRunBytes(buf.Bytes(), "rt", "rt")
		if err != nil {
			t.Fatalf("%s reread: %v", f, err)
		}
		if back.Pairs() != r.Pairs() || back.Len() != r.Len() {
			t.Fatalf("%s: %d/%d pairs, %d/%d queries", f, back.Pairs(), r.Pairs(), back.Len(), r.Len())
		}
	}
}

func FuzzReadTRECRun(f *testing.F) {
	f.Add([]byte("q1 Q0 d1 1 0.5 run\nq1 Q0 d2 2 0.25 run\n"))
	f.Add([]byte("q Q0 d 1 1e308 t\n\nq2 Q0 d 1 -0 t\r\n"))
	f.Add([]byte("q Q0 d 1 NaN t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadTRECRun(bytes.NewReader(data), "fuzz", "fuzz")
		if err != nil {
			return
		}
		if strings.ContainsAny(string(data), "\x00") {
			return
		}
		checkRoundTrip(t, r)
	})
}

func FuzzReadJSONRun(f *testing.F) {
	f.Add([]byte(`{"q1": {"d1": 0.5, "d2": 1}, "q2": {}}`))
	f.Add([]byte(`{"q": {"a": 1e400}}`))
	f.Add([]byte(`{"q": {"a": 1, "a": 2}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadJSONRun(bytes.NewReader(data), "fuzz", "fuzz")
		if err != nil {
			return
		}
		checkRoundTrip(t, r)
	})
}

func FuzzReadLZ4Run(f *testing.F) {
	r := sampleRun()
	var buf bytes.Buffer
	if err := WriteLZ4Run(&buf, r); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(lz4Frame(lz4Frame([]byte{0xa1, 0x61, 'q', 0xbf, 0x61, 'a', 0x03, 0xff})))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadLZ4Run(bytes.NewReader(data), "fuzz", "fuzz")
		if err != nil {
			return
		}
		checkRoundTrip(t, r)
	})
}

// FuzzDecodeCBOR skips the two LZ4 layers to reach the CBOR walker quickly.
func FuzzDecodeCBOR(f *testing.F) {
	f.Add([]byte{0xa1, 0x61, 'q', 0xa1, 0x61, 'd', 0xfb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0xa1, 0x61, 'q', 0xbf, 0x61, 'a', 0x03, 0x7f, 0x61, 'd', 0xff, 0xfa, 0x3e, 0x80, 0x00, 0x00, 0xff})
	f.Add([]byte{0xbf, 0x61, 'q', 0xa0, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decodeCBORRun(data, "fuzz")
		if err != nil {
			return
		}
		checkRoundTrip(t, r)
	})
}

func FuzzReadTRECQrels(f *testing.F) {
	f.Add([]byte("q1 0 d1 1\nq1 0 d2 0\n"))
	f.Add([]byte("q 0 d -1\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := ReadTRECQrels(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteTRECQrels(&buf, q); err != nil {
			t.Fatal(err)
		}
		back, err := ReadTRECQrels(&buf, "rt")
		if err != nil {
			t.Fatalf("reread: %v", err)
		}
		if back.Len() != q.Len() {
			t.Fatalf("%d vs %d queries", back.Len(), q.Len())
		}
	})
}

// FuzzEvaluate checks that evaluation of arbitrary small inputs never panics
// and keeps values inside the tie bounds.
func FuzzEvaluate(f *testing.F) {
	f.Add([]byte("q Q0 a 1 1 t\nq Q0 b 1 1 t\n"), []byte("q 0 a 1\n"), "ndcg@3")
	f.Fuzz(func(t *testing.T, run, qrels []byte, metric string) {
		r, err := ReadTRECRun(bytes.NewReader(run), "r", "r")
		if err != nil {
			return
		}
		q, err := ReadTRECQrels(bytes.NewReader(qrels), "q")
		if err != nil {
			return
		}
		res, err := Evaluate(q, r, []string{metric}, Options{MakeComparable: true})
		if err != nil {
			return
		}
		m := res.Metrics[0]
		lo, hi := res.TieRange(m)
		if v := res.Mean[m]; !(lo <= v && v <= hi) {
			t.Fatalf("%s = %v outside [%v, %v]", m, v, lo, hi)
		}
	})
}
