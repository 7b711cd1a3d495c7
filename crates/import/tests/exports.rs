//! Real public exports from other councils and benchmarking bodies
//! (`tests/data/exports/`, described in its README), each read as its
//! README says a performance officer would expect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use goldthread_domain::{Indicator, Period, PlanKind, Quarter, Severity, status::Rag};
use goldthread_import::{ReadDocument, ReadOptions, read_document_with};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/exports/");

fn read(file: &str, area: Option<&str>) -> ReadDocument {
    let bytes = std::fs::read(format!("{DIR}{file}")).expect("export is in the repository");
    let options = ReadOptions {
        area: area.map(str::to_string),
        ..ReadOptions::default()
    };
    read_document_with(file, &bytes, &options).expect("reads")
}

fn indicators(doc: &ReadDocument) -> Vec<&Indicator> {
    doc.document
        .plans
        .iter()
        .flat_map(|p| &p.indicators)
        .collect()
}

fn q(year: i32, n: u32) -> Period {
    Period::Quarter(
        goldthread_domain::FinancialYear::starting(year).unwrap(),
        Quarter::from_number(n).unwrap(),
    )
}

fn status_at(i: &Indicator, p: Period) -> Option<Rag> {
    i.measurements
        .iter()
        .find(|m| m.period == p)
        .and_then(|m| m.status)
}

fn value_at(i: &Indicator, p: Period) -> Option<f64> {
    i.measurements
        .iter()
        .find(|m| m.period == p)
        .and_then(|m| m.value)
}

#[test]
fn kent_rag_summary_gives_38_kpis_with_latest_and_previous_rag() {
    let doc = read(
        "kent-county-council-qpr-kpi-rag-summary-2024-25-q3.tsv",
        None,
    );
    let all = indicators(&doc);
    assert_eq!(all.len(), 38);
    assert_eq!(doc.document.plans[0].kind, PlanKind::Performance);
    let count = |p: Period, rag: Rag| all.iter().filter(|i| status_at(i, p) == Some(rag)).count();
    // The report's own totals for the latest quarter.
    assert_eq!(
        (
            count(q(2024, 3), Rag::Green),
            count(q(2024, 3), Rag::Amber),
            count(q(2024, 3), Rag::Red)
        ),
        (17, 12, 9)
    );
    assert!(
        all.iter().all(|i| status_at(i, q(2024, 2)).is_some()),
        "previous quarter's RAG for every KPI"
    );
    let travel = |dir: &str| {
        all.iter()
            .filter(|i| {
                i.measurements.iter().any(|m| {
                    m.note
                        .as_deref()
                        .is_some_and(|n| n.contains(&format!("Direction of travel: {dir}")))
                })
            })
            .count()
    };
    assert_eq!(
        (travel("improving"), travel("worsening"), travel("stable")),
        (10, 6, 22)
    );
    let first = all[0];
    assert!(
        first
            .description
            .as_deref()
            .unwrap_or("")
            .contains("Service: Customer Services")
    );
    assert_eq!(doc.tables.len(), 8, "eight directorate tables");
}

#[test]
fn kent_activity_tables_give_quarterly_values_from_month_range_headings() {
    let doc = read(
        "kent-county-council-qpr-activity-by-quarter-2024-25-q3.tsv",
        None,
    );
    let all = indicators(&doc);
    let by_title = |t: &str| {
        all.iter()
            .find(|i| i.title == t)
            .unwrap_or_else(|| panic!("{t} missing"))
    };
    let highways = by_title("Highways");
    // "Jan – Mar 24" is 2023/24 Q4; "Oct – Dec 24" 2024/25 Q3.
    assert_eq!(value_at(highways, q(2023, 4)), Some(16.0));
    assert_eq!(value_at(highways, q(2024, 3)), Some(11.0));
    let library = by_title("Renew a library book*");
    assert_eq!(value_at(library, q(2024, 3)), Some(85.0));
    assert_eq!(library.unit, goldthread_domain::Unit::Percent);
    // Snapshots headed by month ("Dec-24") are that month's.
    let total = all.iter().find(|i| {
        i.title == "Total"
            && value_at(
                i,
                Period::Month {
                    year: 2024,
                    month: 12,
                },
            )
            .is_some()
    });
    assert_eq!(
        total.map(|t| value_at(
            t,
            Period::Month {
                year: 2024,
                month: 12
            }
        )),
        Some(Some(1884.0))
    );
    // The rolling twelve-month columns are not a quarter's figures.
    assert!(
        highways
            .measurements
            .iter()
            .all(|m| matches!(m.period, Period::Quarter(..)))
    );
}

#[test]
fn stirling_long_table_gives_two_indicators_over_21_quarters() {
    let doc = read(
        "stirling-council-lgbf-quarterly-welfare-fund-indicators-2018-24.csv",
        None,
    );
    let all = indicators(&doc);
    assert_eq!(all.len(), 2);
    for i in &all {
        assert_eq!(i.measurements.len(), 21, "{}", i.title);
        assert_eq!(i.frequency, Some(goldthread_domain::Frequency::Quarterly));
    }
    let corp09 = all
        .iter()
        .find(|i| i.code.as_ref().is_some_and(|c| c.as_str() == "CORP 09"))
        .unwrap();
    assert_eq!(value_at(corp09, q(2018, 1)), Some(0.91));
    assert_eq!(corp09.measurements.last().unwrap().period, q(2023, 1));
}

#[test]
fn oflog_long_table_needs_our_area_and_then_keeps_only_its_rows() {
    let doc = read("oflog-adult-social-care-measures-long-2019-23.csv", None);
    assert!(indicators(&doc).is_empty());
    let error = doc
        .document
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .unwrap();
    assert!(
        error.message.contains("2 areas") && error.message.contains("--area"),
        "{}",
        error.message
    );

    let doc = read(
        "oflog-adult-social-care-measures-long-2019-23.csv",
        Some("Leeds"),
    );
    let all = indicators(&doc);
    assert_eq!(all.len(), 7);
    let asc2 = all
        .iter()
        .find(|i| i.code.as_ref().unwrap().as_str() == "ASC2")
        .unwrap();
    assert_eq!(asc2.title, "Outcome, ASC Quality of Life");
    let fy = |y| Period::Year(goldthread_domain::FinancialYear::starting(y).unwrap());
    assert_eq!(value_at(asc2, fy(2019)), Some(0.351));
    let left_out = doc
        .document
        .findings
        .iter()
        .find(|f| f.message.contains("Darlington"))
        .unwrap();
    assert!(
        left_out.message.contains("20 row(s)"),
        "{}",
        left_out.message
    );
}

#[test]
fn comparison_tables_give_our_councils_row() {
    let doc = read("mysociety-council-foi-statistics-2017.csv", Some("Bury"));
    let all = indicators(&doc);
    let in_time = all
        .iter()
        .find(|i| i.title == "in_time_p")
        .expect("in_time_p");
    assert_eq!(
        in_time.measurements.len(),
        0,
        "no period is known: kept out with a finding, not invented"
    );
    let doc = read(
        "improvement-service-lgbf-raw-data-by-council-2016-21.xlsx",
        Some("Stirling"),
    );
    let all = indicators(&doc);
    let fy = |y| Period::Year(goldthread_domain::FinancialYear::starting(y).unwrap());
    let env6 = all
        .iter()
        .find(|i| i.code.as_ref().is_some_and(|c| c.as_str() == "ENV6"))
        .unwrap();
    assert_eq!(env6.measurements.len(), 5);
    assert_eq!(value_at(env6, fy(2018)), Some(54.1));
    let real = all
        .iter()
        .find(|i| i.title == "CHN1 Real")
        .expect("real-terms series kept apart");
    assert_eq!(real.measurements.len(), 3);
}

#[test]
fn a_statistical_form_is_refused_with_what_it_looks_like() {
    let doc = read(
        "bolton-council-cipfa-public-library-return-2016-17.xlsx",
        None,
    );
    assert!(indicators(&doc).is_empty());
    let form = doc
        .document
        .findings
        .iter()
        .find(|f| f.message.contains("form"))
        .expect("a finding saying it is a form");
    assert!(form.message.contains("--mapping"), "{}", form.message);
}

#[test]
fn the_public_health_action_plan_gives_its_commitments() {
    let doc = read(
        "kent-county-council-health-wellbeing-priorities-actions-public-health-2024.csv",
        None,
    );
    let actions: Vec<_> = doc.document.plans.iter().flat_map(|p| &p.actions).collect();
    assert!(actions.len() >= 30, "{} actions", actions.len());
    assert!(
        actions
            .iter()
            .filter(|a| !a.lead_officers.is_empty())
            .count()
            >= 25
    );
    // The logframe under them: nine indicators, not more actions.
    let indicators = indicators(&doc);
    assert_eq!(indicators.len(), 9);
    assert!(
        indicators[0]
            .title
            .starts_with("By 2026-28, life expectancy")
    );
}

#[test]
fn kent_kpi_detail_blocks_give_latest_previous_target_and_floor() {
    let doc = read("kent-county-council-qpr-kpi-detail-2024-25-q3.txt", None);
    let all = indicators(&doc);
    assert_eq!(all.len(), 38);
    assert_eq!(
        doc.document.plans[0].title,
        "Quarterly Performance Report 2024/25 Q3"
    );
    let count = |rag: Rag| {
        all.iter()
            .filter(|i| status_at(i, q(2024, 3)) == Some(rag))
            .count()
    };
    // The same totals as the summary tables and the report's own summary.
    assert_eq!(
        (count(Rag::Green), count(Rag::Amber), count(Rag::Red)),
        (17, 12, 9)
    );
    let calls = all
        .iter()
        .find(|i| i.title == "Percentage of phone calls to Contact Point which were answered")
        .unwrap();
    assert_eq!(value_at(calls, q(2024, 3)), Some(94.0));
    assert_eq!(value_at(calls, q(2024, 2)), Some(89.0));
    assert_eq!(status_at(calls, q(2024, 2)), Some(Rag::Amber));
    assert_eq!(calls.targets[0].value, Some(90.0));
    // A floor above the target: lower is better.
    let ghg = all
        .iter()
        .find(|i| i.title.starts_with("Greenhouse Gas emissions"))
        .unwrap();
    assert_eq!(ghg.polarity, goldthread_domain::Polarity::LowerIsBetter);
    assert_eq!(ghg.targets[0].value, Some(10797.0));
    assert_eq!(value_at(ghg, q(2024, 3)), Some(10323.0));
    // Footnotes and page furniture stay out of titles.
    assert!(
        all.iter()
            .all(|i| !i.title.contains("Appendix") && !i.title.starts_with("No data")),
        "{:?}",
        all.iter().map(|i| &i.title).collect::<Vec<_>>()
    );
}
