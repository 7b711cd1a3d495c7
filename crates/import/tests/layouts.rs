//! Plans laid out as councils other than the samples' lay them out: other
//! column names, a red/amber/green column, progress headed by a quarter or
//! a month, titles naming other kinds of plan.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use chrono::NaiveDate;
use goldthread_domain::{ActionStatus, PlanDocument, PlanKind};
use goldthread_import::read_document;

fn read(name: &str, text: &str) -> PlanDocument {
    read_document(name, text.as_bytes())
        .unwrap_or_else(|e| panic!("{name} reads: {e}"))
        .document
}

/// (code, status, day of the last update) of every action.
fn progress(doc: &PlanDocument) -> Vec<(String, Option<ActionStatus>, Option<NaiveDate>)> {
    doc.plans
        .iter()
        .flat_map(|p| &p.actions)
        .map(|a| {
            let last = a.updates.last();
            (
                a.code.clone().unwrap_or_default(),
                last.map(|u| u.status),
                last.map(|u| u.as_at),
            )
        })
        .collect()
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn a_delivery_plan_with_quarter_headed_updates_takes_the_quarter_of_its_own_year() {
    let text = "Borsetshire District Council\n\
        Housing Service Delivery Plan 2024-25\n\
        \n\
        Priority 1: Homes for everyone\n\
        \n\
        Ref\tWhat we will do\tResponsible Officer\tBy when\tHow we will measure success\tUpdate Q2\n\
        1.1\tReview the housing allocations policy\tHousing Options Manager\tSeptember 2024\tNew policy adopted\tOn track - consultation closed\n\
        1.2\tDeliver 50 new affordable homes\tHead of Housing\tMarch 2025\t50 homes\tDelayed by contractor; 32 complete\n\
        1.3\tLaunch a landlord accreditation scheme\tPrivate Sector Housing Lead\tTBC\t\tNot started\n";
    let doc = read("borsetshire.txt", text);
    let plan = &doc.plans[0];
    assert_eq!(plan.title, "Housing Service Delivery Plan 2024-25");
    assert_eq!(plan.kind, PlanKind::Service);
    assert_eq!(
        plan.period.map(|p| p.to_string()).as_deref(),
        Some("2024/25")
    );
    assert_eq!(
        plan.actions[0]
            .details
            .get(goldthread_domain::DetailField::Measures),
        Some("New policy adopted")
    );
    let q2 = day(2024, 9, 30);
    assert_eq!(
        progress(&doc),
        [
            ("1.1".into(), Some(ActionStatus::OnTrack), q2),
            ("1.2".into(), Some(ActionStatus::AtRisk), q2),
            ("1.3".into(), Some(ActionStatus::NotStarted), q2),
        ]
    );
}

#[test]
fn a_red_amber_green_column_gives_the_status_the_commentary_does_not() {
    let csv = "Business Plan 2023/24\n\
        Action Ref,Action,Lead,Deadline,RAG,Commentary at 31 December 2023\n\
        BP1,Move payroll to the new system,Head of HR,June 2023,Blue,Went live in June\n\
        BP2,Refresh the workforce strategy,HR Manager,March 2024,Amber,Consultation runs late\n\
        BP3,Introduce hybrid working policy,HR Manager,September 2023,Green,\n\
        BP4,Review pay grades,Head of HR,March 2024,,Not started\n";
    let doc = read("business.csv", csv);
    assert_eq!(doc.plans[0].kind, PlanKind::Service);
    let at = day(2023, 12, 31);
    assert_eq!(
        progress(&doc),
        [
            ("BP1".into(), Some(ActionStatus::Achieved), at),
            ("BP2".into(), Some(ActionStatus::AtRisk), at),
            ("BP3".into(), Some(ActionStatus::OnTrack), at),
            ("BP4".into(), Some(ActionStatus::NotStarted), at),
        ]
    );
    let actions = &doc.plans[0].actions;
    assert_eq!(actions[1].updates[0].commentary, "Consultation runs late");
    assert_eq!(actions[2].updates[0].commentary, "Green");
    // A judgement with words is not an unrecognised status.
    assert!(
        !doc.findings
            .iter()
            .any(|f| f.kind == goldthread_domain::FindingKind::UnrecognisedStatus),
        "{:?}",
        doc.findings
    );
}

#[test]
fn a_month_headed_progress_column_speaks_for_the_last_day_of_that_month() {
    let text = "Waste Team Plan 2025/26\n\
        \n\
        No.\tTask\tOfficer\tTarget date\tProgress - September 2025\n\
        1\tRoll out food waste collections\tWaste Manager\tApril 2026\tOn target\n";
    let doc = read("waste.txt", text);
    assert_eq!(doc.plans[0].kind, PlanKind::Operational);
    assert_eq!(
        progress(&doc),
        [("1".into(), Some(ActionStatus::OnTrack), day(2025, 9, 30))]
    );
}

#[test]
fn a_status_column_beside_comments_is_the_judgement_and_undated_progress_is_reported() {
    let text = "Ambridge Borough Council\n\
        Corporate Plan 2025-2028 - Delivery Plan Year 1\n\
        \n\
        Corporate Priority\tObjective\tAction\tLead Officer\tTarget Date\tStatus\tComments\n\
        A thriving economy\tSupport local businesses\tLaunch a business grants scheme\tJ. Smith (Head of Economic Development)\t31/03/2026\tGreen\tScheme opened in May\n\
        \t\tHold four business networking events\tEconomic Development Officer\tMar-26\tAmber\tTwo held\n\
        A greener borough\tCut carbon emissions\tInstall solar panels\tEstates Manager\tQ3 2025/26\tGreen\t\n";
    let doc = read("ambridge.txt", text);
    let plan = &doc.plans[0];
    assert_eq!(plan.kind, PlanKind::Corporate);
    assert_eq!(
        plan.period.map(|p| p.to_string()).as_deref(),
        Some("2025/26 to 2027/28")
    );
    let titles: Vec<&str> = plan.actions.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Launch a business grants scheme",
            "Hold four business networking events",
            "Install solar panels"
        ]
    );
    // Grouped under their priority and objective, merged cells and all.
    let parent = |a: usize| {
        plan.nodes[*plan.actions[a].nodes.last().unwrap()]
            .title
            .clone()
    };
    assert_eq!(parent(1), "Support local businesses");
    assert_eq!(parent(2), "Cut carbon emissions");
    // No day for the progress: no update invented, the words kept, one finding.
    assert!(plan.actions.iter().all(|a| a.updates.is_empty()));
    assert!(
        plan.actions[0]
            .description
            .as_deref()
            .is_some_and(|d| d.contains("Scheme opened in May"))
    );
    let kinds: Vec<_> = doc.findings.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, ["undated-progress"]);
}

#[test]
fn a_table_of_indicators_with_codes_targets_and_quarterly_values() {
    let text = "Environmental Services Performance Indicators 2024/25\n\
        \n\
        PI Code\tIndicator\tFrequency\tGood performance is\tBaseline\t2023/24 Outturn\t2024/25 Target\tQ1\tQ2\tLead Officer\n\
        ENV01\tPercentage of household waste recycled\tQuarterly\tHigh\t45%\t48%\t50%\t51%\t49%\tWaste Manager\n\
        ENV02\tNumber of fly-tipping incidents\tMonthly\tLow\t1,300\t1,204\t1,100\t280\t-\tStreet Scene Manager\n";
    let doc = read("kpi.txt", text);
    let plan = &doc.plans[0];
    assert_eq!(
        plan.title,
        "Environmental Services Performance Indicators 2024/25"
    );
    assert_eq!(
        plan.period.map(|p| p.to_string()).as_deref(),
        Some("2024/25")
    );
    assert!(plan.actions.is_empty());
    let [recycling, fly_tipping] = plan.indicators.as_slice() else {
        panic!("two indicators: {:?}", plan.indicators);
    };
    assert_eq!(recycling.code.as_ref().map(|c| c.as_str()), Some("ENV01"));
    assert_eq!(recycling.title, "Percentage of household waste recycled");
    assert_eq!(
        recycling.frequency,
        Some(goldthread_domain::Frequency::Quarterly)
    );
    assert_eq!(
        recycling.polarity,
        goldthread_domain::Polarity::HigherIsBetter
    );
    assert_eq!(
        fly_tipping.polarity,
        goldthread_domain::Polarity::LowerIsBetter
    );
    assert_eq!(recycling.unit, goldthread_domain::Unit::Percent);
    assert_eq!(recycling.owner.as_deref(), Some("Waste Manager"));
    assert_eq!(
        recycling.baseline.as_ref().and_then(|b| b.value),
        Some(45.0)
    );
    let targets: Vec<_> = fly_tipping
        .targets
        .iter()
        .map(|t| (t.period.to_string(), t.value))
        .collect();
    assert_eq!(targets, [("2024/25".to_string(), Some(1100.0))]);
    let values = |i: &goldthread_domain::Indicator| -> Vec<(String, Option<f64>)> {
        i.measurements
            .iter()
            .map(|m| (m.period.to_string(), m.value))
            .collect()
    };
    assert_eq!(
        values(recycling),
        [
            ("2023/24".to_string(), Some(48.0)),
            ("2024/25 Q1".to_string(), Some(51.0)),
            ("2024/25 Q2".to_string(), Some(49.0)),
        ]
    );
    // A dash is no value.
    assert_eq!(values(fly_tipping).len(), 2);
}

#[test]
fn key_tasks_with_dated_milestones_in_one_cell_under_numbered_objectives() {
    let text = "Planning Service Plan 2025/26\n\
        \n\
        Objective 1: Faster planning decisions\n\
        \n\
        No\tKey Task\tLead\tStart Date\tEnd Date\tMilestones\tQ1 Progress\n\
        1.1\tIntroduce a planning performance agreement scheme\tDevelopment Manager\tApril 2025\tSeptember 2025\tDraft scheme (June 2025); Cabinet approval (September 2025)\tAchieved - scheme live\n\
        1.2\tDigitise historic planning files\tTechnical Support Manager\tMay 2025\tMarch 2026\t\tOn target, 40% scanned\n\
        \n\
        Objective 2: Protect heritage\n\
        \n\
        No\tKey Task\tLead\tStart Date\tEnd Date\tMilestones\tQ1 Progress\n\
        2.1\tReview conservation area appraisals\tConservation Officer\tJune 2025\tJanuary 2026\t\tRevised completion date from January 2026 to March 2026\n";
    let doc = read("planning.txt", text);
    let plan = &doc.plans[0];
    let first = &plan.actions[0];
    assert_eq!(
        first.title,
        "Introduce a planning performance agreement scheme"
    );
    let milestones: Vec<_> = first
        .milestones
        .iter()
        .map(|m| (m.title.as_str(), m.due.as_ref().and_then(|d| d.latest)))
        .collect();
    assert_eq!(
        milestones,
        [
            ("Draft scheme", day(2025, 6, 30)),
            ("Cabinet approval", day(2025, 9, 30))
        ]
    );
    // "End Date" is the due date; the start is kept with the description.
    assert_eq!(
        first.due.as_ref().map(|d| d.text.as_str()),
        Some("September 2025")
    );
    assert!(
        first
            .description
            .as_deref()
            .is_some_and(|d| d.contains("Start Date: April 2025"))
    );
    let q1 = day(2025, 6, 30);
    assert_eq!(
        progress(&doc),
        [
            ("1.1".into(), Some(ActionStatus::Achieved), q1),
            ("1.2".into(), Some(ActionStatus::OnTrack), q1),
            ("2.1".into(), Some(ActionStatus::Deferred), q1),
        ]
    );
    assert_eq!(plan.actions[2].revisions.len(), 1);
}

#[test]
fn records_laid_down_the_page_a_field_a_row() {
    let text = "Waste Service Plan 2024/25\n\
        \n\
        Action\tImprove recycling rates\n\
        Lead Officer\tWaste Manager\n\
        Target Date\tMarch 2025\n\
        Progress at Q2\tOn target\n\
        \n\
        Action\tReduce fly-tipping\n\
        Lead Officer\tStreet Scene Manager\n\
        Target Date\tDecember 2024\n\
        Progress at Q2\tNot started\n";
    let doc = read("vertical.txt", text);
    let plan = &doc.plans[0];
    let read: Vec<_> = plan
        .actions
        .iter()
        .map(|a| {
            (
                a.title.as_str(),
                a.lead_officers[0].name.as_str(),
                a.due.as_ref().map(|d| d.text.as_str()),
                a.provenance.as_ref().and_then(|p| p.line),
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            (
                "Improve recycling rates",
                "Waste Manager",
                Some("March 2025"),
                Some(3)
            ),
            (
                "Reduce fly-tipping",
                "Street Scene Manager",
                Some("December 2024"),
                Some(8)
            ),
        ]
    );
    let q2 = day(2024, 9, 30);
    assert_eq!(
        progress(&doc),
        [
            (String::new(), Some(ActionStatus::OnTrack), q2),
            (String::new(), Some(ActionStatus::NotStarted), q2),
        ]
    );
    assert!(doc.findings.is_empty(), "{:?}", doc.findings);
}

#[test]
fn an_excel_csv_with_priority_and_outcome_columns_and_cells_over_several_lines() {
    let csv = "Ridings County Council - Council Plan 2024-2027 Action Plan,,,,,\n\
        ,,,,,\n\
        Priority,Outcome,Action,Accountable Officer,Due,Update at 30 September 2024\n\
        Healthy communities,People live longer healthier lives,\"Open two new leisure centres\n(Northtown and Southtown)\",Director of Communities,March 2026,\"On track.\nNorthtown opened in July.\"\n\
        ,,Launch a social prescribing service,Head of Public Health,December 2024,Complete\n\
        Strong economy,More people in good jobs,Deliver the skills bootcamp programme,Head of Economic Growth,TBC,Behind schedule - funding delayed\n";
    let doc = read("ridings.csv", csv);
    let plan = &doc.plans[0];
    assert_eq!(plan.kind, PlanKind::Corporate);
    let rows: Vec<_> = plan
        .actions
        .iter()
        .map(|a| {
            let parents: Vec<&str> = a
                .nodes
                .iter()
                .map(|&n| plan.nodes[n].title.as_str())
                .collect();
            (
                a.title.as_str(),
                a.due.as_ref().map(|d| d.text.as_str()),
                parents,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "Open two new leisure centres",
                Some("March 2026"),
                vec!["People live longer healthier lives"]
            ),
            (
                "Launch a social prescribing service",
                Some("December 2024"),
                vec!["People live longer healthier lives"]
            ),
            (
                "Deliver the skills bootcamp programme",
                Some("TBC"),
                vec!["More people in good jobs"]
            ),
        ]
    );
    let outcome = plan.actions[0].nodes[0];
    let priority = plan.nodes[outcome]
        .parent
        .map(|p| plan.nodes[p].title.as_str());
    assert_eq!(priority, Some("Healthy communities"));
    let at = day(2024, 9, 30);
    assert_eq!(
        progress(&doc),
        [
            (String::new(), Some(ActionStatus::OnTrack), at),
            (String::new(), Some(ActionStatus::Achieved), at),
            (String::new(), Some(ActionStatus::AtRisk), at),
        ]
    );
}

#[test]
fn a_workbook_keeps_percentages_as_fractions_and_dates_as_serial_days() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let percent = Format::new().set_num_format("0%");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let kpis = book.add_worksheet().set_name("Indicators").expect("name");
    kpis.write_string(0, 0, "Performance Indicators 2024/25")
        .expect("cell");
    for (c, h) in ["PI Code", "Indicator", "2024/25 Target", "Q1", "Q2"]
        .iter()
        .enumerate()
    {
        kpis.write_string(2, c as u16, *h).expect("cell");
    }
    kpis.write_string(3, 0, "ENV01").expect("cell");
    kpis.write_string(3, 1, "Percentage of household waste recycled")
        .expect("cell");
    for (c, v) in [(2, 0.5), (3, 0.51), (4, 0.495)] {
        kpis.write_number_with_format(3, c, v, &percent)
            .expect("cell");
    }
    kpis.write_string(4, 0, "ENV02").expect("cell");
    kpis.write_string(4, 1, "Number of fly-tipping incidents")
        .expect("cell");
    for (c, v) in [(2, 1100.0), (3, 280.0), (4, 301.0)] {
        kpis.write_number(4, c, v).expect("cell");
    }
    let actions = book.add_worksheet().set_name("Actions").expect("name");
    for (c, h) in ["Ref", "Action", "Lead Officer", "Due Date"]
        .iter()
        .enumerate()
    {
        actions.write_string(0, c as u16, *h).expect("cell");
    }
    actions.write_string(1, 0, "W1").expect("cell");
    actions
        .write_string(1, 1, "Roll out food waste collections")
        .expect("cell");
    actions.write_string(1, 2, "Waste Manager").expect("cell");
    let due = ExcelDateTime::from_ymd(2026, 3, 31).expect("date");
    actions
        .write_datetime_with_format(1, 3, &due, &date)
        .expect("cell");
    let bytes = book.save_to_buffer().expect("xlsx");

    let doc = read_document("plan.xlsx", &bytes).expect("reads").document;
    let plan = &doc.plans[0];
    let [recycling, fly_tipping] = plan.indicators.as_slice() else {
        panic!("two indicators: {:?}", plan.indicators);
    };
    let target =
        |i: &goldthread_domain::Indicator| i.targets.first().map(|t| (t.text.clone(), t.value));
    assert_eq!(target(recycling), Some(("50%".to_string(), Some(50.0))));
    let values: Vec<_> = recycling.measurements.iter().map(|m| m.value).collect();
    assert_eq!(values, [Some(51.0), Some(49.5)]);
    // Counts are counts.
    assert_eq!(
        target(fly_tipping),
        Some(("1100".to_string(), Some(1100.0)))
    );
    let action = &plan.actions[0];
    assert_eq!(action.code.as_deref(), Some("W1"));
    assert_eq!(action.due.as_ref().and_then(|d| d.latest), day(2026, 3, 31));
}

#[test]
fn an_as_at_line_under_the_title_dates_progress_whose_heading_does_not() {
    let text = "Ambridge Borough Council\n\
        Corporate Plan 2025-2028 - Delivery Plan Year 1\n\
        Position as at 30 September 2025\n\
        \n\
        Corporate Priority\tObjective\tAction\tLead Officer\tTarget Date\tStatus\tComments\n\
        A thriving economy\tSupport local businesses\tLaunch a business grants scheme\tHead of Economic Development\t31/03/2026\tGreen\tScheme opened in May\n\
        \t\tHold four business networking events\tEconomic Development Officer\tMar-26\tAmber\tTwo held\n";
    let doc = read("ambridge.txt", text);
    let at = day(2025, 9, 30);
    assert_eq!(
        progress(&doc),
        [
            (String::new(), Some(ActionStatus::OnTrack), at),
            (String::new(), Some(ActionStatus::AtRisk), at),
        ]
    );
    let first = &doc.plans[0].actions[0];
    assert_eq!(first.updates[0].commentary, "Scheme opened in May");
    assert!(doc.findings.is_empty(), "{:?}", doc.findings);
}

#[test]
fn a_status_column_holding_only_judgements_gives_the_statuses() {
    let csv = "Finance Service Plan 2024/25\n\
        Ref,Action,Lead,Due,Status at 30 June 2024\n\
        F1,Close the accounts,Chief Accountant,May 2024,Blue\n\
        F2,Replace the finance system,Head of Finance,March 2025,Red\n";
    let doc = read("finance.csv", csv);
    let at = day(2024, 6, 30);
    assert_eq!(
        progress(&doc),
        [
            ("F1".into(), Some(ActionStatus::Achieved), at),
            ("F2".into(), Some(ActionStatus::OffTrack), at),
        ]
    );
    assert!(doc.findings.is_empty(), "{:?}", doc.findings);
}
