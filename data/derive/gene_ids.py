#!/usr/bin/env python3
"""Derives data/gene_ids.tsv.gz from Debian's r-bioc-org.hs.eg.db (its SQLite file).

One row per Entrez gene whose symbol, or one of whose aliases, is a key of the bundled
protein FASTA or a miRTarBase symbol of the bundled pairs (the genes aemigap can score):
  symbol  entrez_id  ensembl_gene_id (';'-joined)  aliases (';'-joined)
Run from the repository root:  python3 data/derive/gene_ids.py
"""
import collections
import gzip
import sqlite3
import sys

DB = "/usr/lib/R/site-library/org.Hs.eg.db/extdata/org.Hs.eg.sqlite"


def fasta_keys(path):
    with gzip.open(path, "rt") as f:
        return {line[1:].split()[0] for line in f if line.startswith(">")}


def pair_symbols(path):
    with gzip.open(path, "rt") as f:
        next(f)
        return {line.rstrip("\n").split("\t")[1] for line in f if "\t" in line}


def main():
    wanted = fasta_keys("data/human_protein_by_symbol.fa.gz") | pair_symbols("data/mirtarbase7_hsa_pairs.tsv.gz")
    db = sqlite3.connect(DB)
    meta = dict(db.execute("select name, value from metadata"))
    symbol = dict(db.execute("select g._id, i.symbol from genes g join gene_info i on g._id = i._id"))
    entrez = dict(db.execute("select _id, gene_id from genes"))
    aliases, ensembl = collections.defaultdict(list), collections.defaultdict(list)
    for gid, a in db.execute("select _id, alias_symbol from alias order by _id, alias_symbol"):
        if a != symbol.get(gid):
            aliases[gid].append(a)
    for gid, e in db.execute("select _id, ensembl_id from ensembl order by _id, ensembl_id"):
        ensembl[gid].append(e)
    rows = []
    for gid, sym in symbol.items():
        if sym in wanted or any(a in wanted for a in aliases[gid]):
            rows.append((sym, entrez[gid], ";".join(ensembl[gid]), ";".join(aliases[gid])))
    rows.sort(key=lambda r: (r[0], int(r[1])))
    with gzip.GzipFile("data/gene_ids.tsv.gz", "wb", compresslevel=9, mtime=0) as raw:
        out = raw.write
        out(b"symbol\tentrez_id\tensembl_gene_id\taliases\n")
        for r in rows:
            out(("\t".join(r) + "\n").encode())
    print(f"{len(rows)} genes of {len(symbol)} (Entrez source date {meta.get('EGSOURCEDATE')}); "
          f"{sum(1 for r in rows if r[2])} with an Ensembl id", file=sys.stderr)


if __name__ == "__main__":
    main()
