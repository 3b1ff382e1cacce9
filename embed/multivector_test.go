package embed_test

import (
	"context"
	"math"
	"testing"

	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

func TestQueryLength(t *testing.T) {
	for n, want := range map[int]int{5: 13, 8: 16, 10: 32, 32: 40, 40: 48, 41: 64, 70: 78, 75: 96} {
		if got := embed.QueryLength(n); got != want {
			t.Errorf("QueryLength(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestMultiVector(t *testing.T) {
	ctx := context.Background()
	name := "bert-tiny"
	ref, err := onnxtest.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	// the reference token states are those of the query role: embed those
	// texts as documents with the query prompt as document prefix
	var docs []string
	var items []onnxtest.Item
	for _, it := range ref.Items {
		if len(it.LastHiddenState) > 0 {
			docs = append(docs, it.Text)
			items = append(items, it)
		}
	}
	p := items[0].Prompt
	m, err := embed.OpenMultiVector(ctx, onnxtest.Dir(name), embed.WithBackend("go"), embed.WithBatchSize(4), embed.WithPrefixes(p, p))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	mats, err := m.EmbedDocuments(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	// Token vectors = the torch last hidden state, each row L2-normalized.
	for i, it := range items {
		h := ref.Hidden
		if mats[i].Rows != len(it.InputIDs) || mats[i].Dim != h {
			t.Fatalf("doc %d: %dx%d token matrix, want %dx%d", i, mats[i].Rows, mats[i].Dim, len(it.InputIDs), h)
		}
		for k := range mats[i].Rows {
			row := it.LastHiddenState[k*h : (k+1)*h]
			var n float64
			for _, v := range row {
				n += v * v
			}
			want := make([]float64, h)
			for j, v := range row {
				want[j] = v / math.Sqrt(n)
			}
			if d, _ := onnxtest.MaxAbsDiff(mats[i].Data[k*h:(k+1)*h], want); d > onnxtest.Tolerance {
				t.Fatalf("doc %d token %d: max abs diff %.3g", i, k, d)
			}
		}
	}
	// Score = naive MaxSim over the same vectors / number of query tokens.
	q := ref.Items[0].Text
	scores, err := m.Score(ctx, q, docs)
	if err != nil {
		t.Fatal(err)
	}
	qm, n, err := m.EmbedQueries(ctx, []string{q})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range mats {
		var sum float64
		for a := range qm[0].Rows {
			best := math.Inf(-1)
			for b := range d.Rows {
				var dot float64
				for j := range d.Dim {
					dot += float64(qm[0].Data[a*d.Dim+j]) * float64(d.Data[b*d.Dim+j])
				}
				best = max(best, dot)
			}
			sum += best
		}
		if want := sum / float64(n[0]); math.Abs(scores[i]-want) > 1e-5 {
			t.Errorf("doc %d: score %.7f, naive MaxSim %.7f", i, scores[i], want)
		}
	}
	if _, err := embed.OpenMultiVector(ctx, onnxtest.Dir(name), embed.WithBackend("go"),
		embed.WithMarkers("[unused0]", "[unused1]")); err == nil {
		t.Error("marker missing from the vocabulary accepted")
	}
}

func TestMultiVectorQueryAugmentation(t *testing.T) {
	ctx := context.Background()
	m, err := embed.OpenMultiVector(ctx, onnxtest.Dir("bert-tiny"), embed.WithBackend("go"),
		embed.WithQueryAugmentation(true), embed.WithMarkers("[MASK]", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	qm, n, err := m.EmbedQueries(ctx, []string{"hello world", "a"})
	if err != nil {
		t.Fatal(err)
	}
	// "クエリ: hello world" = [CLS] marker クエリ : hello world [SEP] = 7 real tokens -> 15 rows
	for i, want := range []int{7, 6} {
		if n[i] != want || qm[i].Rows != embed.QueryLength(want) {
			t.Errorf("query %d: %d real tokens, %d rows; want %d, %d", i, n[i], qm[i].Rows, want, embed.QueryLength(want))
		}
	}
}
