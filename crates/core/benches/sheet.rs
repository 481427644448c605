//! The evaluation sheet on one file: every machine rule (record and registered contents) over
//! the reference file of `supervision::sheet::example`, and over the same file with a dozen
//! defects (so the findings' details are built too). The goal: well under a millisecond.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fazhi_core::supervision::sheet::{self, Settings, example};
use fazhi_kernel::calendar::Calendar;

fn faulty() -> sheet::CaseFile {
    let mut f = example::sound();
    f.facts_found = false;
    f.evidence = false;
    f.discretion = "outside".into();
    f.delivered_on = NaiveDate::from_ymd_opt(2024, 4, 25);
    f.party_names = vec!["另一家公司".into()];
    for d in f.contents.iter_mut().flatten() {
        d.officers = d.officers.min(1);
        d.sealed = false;
        d.party_signed = false;
    }
    f
}

fn bench(c: &mut Criterion) {
    let calendar = Calendar::embedded();
    let settings = Settings::default();
    let machine = sheet::rules().filter(|r| r.machine()).count();
    let mut g = c.benchmark_group(format!("sheet ({machine} machine rules)"));
    g.throughput(Throughput::Elements(1));
    let sound = example::sound();
    g.bench_function("sound file", |b| {
        b.iter(|| sheet::evaluate_with(black_box(&sound), calendar, &settings))
    });
    let faulty = faulty();
    let found = sheet::evaluate_with(&faulty, calendar, &settings)
        .findings
        .len();
    g.bench_function(format!("faulty file ({found} findings)"), |b| {
        b.iter(|| sheet::evaluate_with(black_box(&faulty), calendar, &settings))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
