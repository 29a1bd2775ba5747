"""`make corpus-check`: validate the corpus and print its figures; exit 1 on any problem."""
import sys

from samspil.corpus import check_corpus, format_stats

if __name__ == "__main__":
    report = check_corpus()
    print(format_stats(report.stats))
    if report.errors:
        print(f"\n{len(report.errors)} problem(s):")
        print("\n".join(f"  - {e}" for e in report.errors))
        sys.exit(1)
    print("\ncorpus check passed")
