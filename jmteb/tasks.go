package jmteb

import (
	"fmt"
	"sort"
	"strings"
)

// Evaluator kinds (JMTEB's evaluator classes).
const (
	KindRetrieval          = "RetrievalEvaluator"
	KindReranking          = "RerankingEvaluator"
	KindSTS                = "STSEvaluator"
	KindClassification     = "ClassificationEvaluator"
	KindClustering         = "ClusteringEvaluator"
	KindPairClassification = "PairClassificationEvaluator"
)

// Categories of the summary, per evaluator kind.
var kindCategory = map[string]string{
	KindRetrieval: "Retrieval", KindReranking: "Reranking", KindSTS: "STS",
	KindClassification: "Classification", KindClustering: "Clustering", KindPairClassification: "PairClassification",
}

// Task is one JMTEB task: its evaluator and where its data lives in the
// Hub dataset (sbintuitions/JMTEB): config names and split names.
type Task struct {
	Name string
	Kind string
	// Config holds the texts of single-config tasks (classification,
	// clustering, STS, pair classification); QueryConfig and CorpusConfig
	// those of retrieval and reranking tasks (corpus split "corpus").
	Config, QueryConfig, CorpusConfig string
	// Train (classification only), Val and Test split names.
	Train, Val, Test string
	// DocChunkSize is the retrieval doc_chunk_size (0: JMTEB's default).
	DocChunkSize int
	// V1 and V2: the task belongs to the v1 suite (16 tasks, the
	// published leaderboard) and / or to the later 28-task suite
	// (JMTEB 1.4's src/jmteb/configs/jmteb.jsonnet).
	V1, V2 bool
}

// Category is the summary category of the task.
func (t Task) Category() string { return kindCategory[t.Kind] }

func single(name, kind, config, val string, v1, v2 bool) Task {
	t := Task{Name: name, Kind: kind, Config: config, Val: val, Test: "test", V1: v1, V2: v2}
	if kind == KindClassification {
		t.Train = "train"
	}
	return t
}

func pairOfConfigs(name, kind, prefix string, chunk int, v1, v2 bool) Task {
	return Task{Name: name, Kind: kind, QueryConfig: prefix + "-query", CorpusConfig: prefix + "-corpus",
		Val: "validation", Test: "test", DocChunkSize: chunk, V1: v1, V2: v2}
}

// Tasks lists every known task, sorted by name (the order JMTEB runs
// them), as JMTEB's src/jmteb/configs/tasks define them (v1.x for the v1
// suite, 1.4 for the v2 suite; a task in both has the same definition).
// Note jsts validates on its train split, mewsc16 reads config mewsc16_ja
// and the largest retrieval corpora are searched in chunks of 10,000
// documents (which does not change results).
var Tasks = func() []Task {
	ts := []Task{
		single("amazon_counterfactual_classification", KindClassification, "amazon_counterfactual_classification", "validation", true, true),
		single("amazon_review_classification", KindClassification, "amazon_review_classification", "validation", true, true),
		single("massive_intent_classification", KindClassification, "massive_intent_classification", "validation", true, true),
		single("massive_scenario_classification", KindClassification, "massive_scenario_classification", "validation", true, true),
		single("japanese_sentiment_classification", KindClassification, "japanese_sentiment_classification", "validation", false, true),
		single("sib200_japanese_classification", KindClassification, "sib200_japanese_classification", "validation", false, true),
		single("wrime_classification", KindClassification, "wrime_classification", "validation", false, true),
		single("livedoor_news", KindClustering, "livedoor_news", "validation", true, true),
		single("mewsc16", KindClustering, "mewsc16_ja", "validation", true, true),
		single("sib200_japanese_clustering", KindClustering, "sib200_japanese_clustering", "validation", false, true),
		single("jsts", KindSTS, "jsts", "train", true, true),
		single("jsick", KindSTS, "jsick", "validation", true, true),
		single("paws_x_ja", KindPairClassification, "paws_x_ja", "validation", true, false),
		pairOfConfigs("jagovfaqs_22k", KindRetrieval, "jagovfaqs_22k", 0, true, true),
		pairOfConfigs("mrtydi", KindRetrieval, "mrtydi", 10000, true, true),
		pairOfConfigs("jaqket", KindRetrieval, "jaqket", 0, true, true),
		pairOfConfigs("nlp_journal_title_abs", KindRetrieval, "nlp_journal_title_abs", 0, true, true),
		pairOfConfigs("nlp_journal_title_intro", KindRetrieval, "nlp_journal_title_intro", 0, true, true),
		pairOfConfigs("nlp_journal_abs_intro", KindRetrieval, "nlp_journal_abs_intro", 0, true, true),
		pairOfConfigs("nlp_journal_abs_article", KindRetrieval, "nlp_journal_abs_article", 0, false, true),
		pairOfConfigs("jacwir_retrieval", KindRetrieval, "jacwir-retrieval", 10000, false, true),
		pairOfConfigs("miracl_retrieval", KindRetrieval, "miracl-retrieval", 10000, false, true),
		pairOfConfigs("mldr_retrieval", KindRetrieval, "mldr-retrieval", 10000, false, true),
		pairOfConfigs("mintaka_retrieval", KindRetrieval, "mintaka-retrieval", 10000, false, true),
		pairOfConfigs("esci", KindReranking, "esci", 0, true, true),
		pairOfConfigs("jqara", KindReranking, "jqara", 0, false, true),
		pairOfConfigs("jacwir_reranking", KindReranking, "jacwir-reranking", 0, false, true),
		pairOfConfigs("miracl_reranking", KindReranking, "miracl-reranking", 0, false, true),
		pairOfConfigs("mldr_reranking", KindReranking, "mldr-reranking", 0, false, true),
	}
	sort.Slice(ts, func(a, b int) bool { return ts[a].Name < ts[b].Name })
	return ts
}()

// SelectTasks resolves a task set ("v1", "v2") or a comma-separated list
// of task names to tasks in JMTEB's (name) order.
func SelectTasks(set, list string) ([]Task, error) {
	var out []Task
	if list != "" {
		want := map[string]bool{}
		for _, n := range strings.Split(list, ",") {
			if n = strings.TrimSpace(n); n != "" {
				want[n] = true
			}
		}
		for _, t := range Tasks {
			if want[t.Name] {
				out = append(out, t)
				delete(want, t.Name)
			}
		}
		if len(want) > 0 {
			var bad []string
			for n := range want {
				bad = append(bad, n)
			}
			sort.Strings(bad)
			return nil, fmt.Errorf("unknown JMTEB task(s) %s (known: %s)", strings.Join(bad, ", "), strings.Join(TaskNames(), ", "))
		}
		return out, nil
	}
	for _, t := range Tasks {
		switch set {
		case "v1", "":
			if t.V1 {
				out = append(out, t)
			}
		case "v2":
			if t.V2 {
				out = append(out, t)
			}
		default:
			return nil, fmt.Errorf("unknown task set %q (v1 or v2)", set)
		}
	}
	return out, nil
}

// TaskNames lists the names of Tasks.
func TaskNames() []string {
	var n []string
	for _, t := range Tasks {
		n = append(n, t.Name)
	}
	return n
}
