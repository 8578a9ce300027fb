"""Runs red-dwarf's Pol.is pipeline on one conversation in Pol.is openData form, for scripts/bench-opinion.

Usage: bench-opinion-reddwarf.py run DIR LABELS_OUT REPEATS
         DIR holds votes.csv (timestamp, comment-id, voter-id, vote; agree is 1) and comments.csv (comment-id,
         moderated, is-meta). Prints one JSON line: the median seconds of `run_pipeline` over REPEATS runs, the
         participants, statements and votes it saw, the number of groups; writes `participant,group` lines for
         the clustered participants to LABELS_OUT.
       bench-opinion-reddwarf.py ari PARTICIPANTS_VOTES_CSV LABELS...
         Prints, per labels file, the adjusted Rand index (scikit-learn's) of its groups against the `group-id`
         column of Pol.is's participants-votes.csv, over the participants both clustered.

The votes are read and reduced to the latest vote per participant and statement before the clock starts: red-dwarf's
own loader does that step, and `run_pipeline` refuses duplicates. The clock covers `run_pipeline` alone, from the
vote list to groups, representative statements and consensus.
"""

import csv
import json
import statistics
import sys
import time


def read_conversation(directory):
    latest = {}
    with open(f"{directory}/votes.csv", newline="") as file:
        for row in csv.DictReader(file):
            key = (int(row["voter-id"]), int(row["comment-id"]))
            vote = {
                "participant_id": key[0],
                "statement_id": key[1],
                "vote": int(row["vote"]),
                "modified": int(row["timestamp"]),
            }
            if key not in latest or latest[key]["modified"] <= vote["modified"]:
                latest[key] = vote
    mod_out, meta = [], []
    with open(f"{directory}/comments.csv", newline="") as file:
        for row in csv.DictReader(file):
            statement = int(row["comment-id"])
            is_meta = row.get("is-meta", "") == "true"
            if is_meta:
                meta.append(statement)
            if is_meta or row["moderated"].strip() == "-1":
                mod_out.append(statement)
    return list(latest.values()), mod_out, meta


def run(directory, labels_out, repeats):
    from reddwarf.implementations.polis import run_pipeline

    votes, mod_out, meta = read_conversation(directory)
    seconds = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run_pipeline(
            votes=votes, mod_out_statement_ids=mod_out, meta_statement_ids=meta, random_state=0
        )
        seconds.append(time.perf_counter() - start)
    participants = result.participants_df
    clustered = participants[participants["cluster_id"].notna()]
    with open(labels_out, "w") as file:
        for participant, group in clustered["cluster_id"].items():
            file.write(f"{participant},{int(group)}\n")
    print(
        json.dumps(
            {
                "seconds": statistics.median(seconds),
                "runs": repeats,
                "participants": len(participants),
                "statements": result.raw_vote_matrix.shape[1],
                "votes": len(votes),
                "groups": int(clustered["cluster_id"].nunique()),
            }
        )
    )


def ari(participants_votes_csv, label_files):
    from sklearn.metrics import adjusted_rand_score

    theirs = {}
    with open(participants_votes_csv, newline="") as file:
        for row in csv.DictReader(file):
            if row["group-id"].strip():
                theirs[int(row["participant"])] = int(row["group-id"])
    for path in label_files:
        ours = {}
        with open(path) as file:
            for line in file:
                participant, group = line.strip().split(",")
                ours[int(participant)] = int(group)
        shared = sorted(set(ours) & set(theirs))
        score = adjusted_rand_score([theirs[p] for p in shared], [ours[p] for p in shared]) if shared else None
        print(json.dumps({"labels": path, "compared": len(shared), "ari": score}))


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "ari":
        ari(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(f"unknown mode {sys.argv[1]!r}: expected run or ari")
