//! The five real plans in shared/samples, read as a careful person reads
//! them: codes, titles, lead officers, dates, statuses, milestones,
//! indicators, the golden thread above the actions, and the faults.

use goldthread_domain::{
    Action, ActionStatus, FindingKind, Frequency, NodeLevel, PlanDocument, PlanDraft, PlanKind,
    Unit,
};
use goldthread_import::read_document;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/samples/plans/"
);

fn sample(stem: &str) -> Option<PlanDocument> {
    let dir = std::path::Path::new(DIR);
    if !dir.is_dir() {
        println!("skipped: samples not found");
        return None;
    }
    let entry = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(stem))?;
    let bytes = std::fs::read(entry.path()).ok()?;
    let name = entry.file_name().to_string_lossy().to_string();
    Some(read_document(&name, &bytes).expect("sample reads").document)
}

fn action<'a>(plan: &'a PlanDraft, code: &str) -> &'a Action {
    plan.actions
        .iter()
        .find(|a| a.code.as_deref() == Some(code))
        .unwrap_or_else(|| panic!("no action {code}"))
}

fn leads(a: &Action) -> Vec<&str> {
    a.lead_officers.iter().map(|l| l.name.as_str()).collect()
}

fn due_text(a: &Action) -> &str {
    a.due.as_ref().map_or("", |d| d.text.as_str())
}

fn milestones(a: &Action) -> Vec<(&str, &str)> {
    a.milestones
        .iter()
        .map(|m| {
            (
                m.title.as_str(),
                m.due.as_ref().map_or("", |d| d.text.as_str()),
            )
        })
        .collect()
}

fn parent_title<'a>(plan: &'a PlanDraft, a: &Action) -> &'a str {
    a.nodes
        .first()
        .map_or("", |&n| plan.nodes[n].title.as_str())
}

fn findings_of(doc: &PlanDocument, kind: FindingKind) -> Vec<&str> {
    doc.findings
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.message.as_str())
        .collect()
}

fn ymd(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn s000_service_plan_2015_16() {
    let Some(doc) = sample("000_") else { return };
    assert_eq!(doc.plans.len(), 1);
    let plan = &doc.plans[0];
    assert_eq!(plan.kind, PlanKind::Service);
    assert_eq!(
        plan.period.map(|p| p.to_string()).as_deref(),
        Some("2015/16")
    );
    assert_eq!(
        plan.title,
        "Communications, Engagement and Culture Service Plan 2015/16"
    );
    let codes: Vec<&str> = plan
        .actions
        .iter()
        .filter_map(|a| a.code.as_deref())
        .collect();
    assert_eq!(
        codes,
        (1..=8).map(|n| format!("15-CEC0{n}")).collect::<Vec<_>>()
    );

    let cec01 = action(plan, "15-CEC01");
    assert_eq!(
        cec01.title,
        "Provide proactive and timely communications support for 2015 elections results."
    );
    assert_eq!(leads(cec01), ["Communications Team Leader"]);
    assert_eq!(due_text(cec01), "07 May 2015");
    assert_eq!(
        cec01.details.target.as_deref(),
        Some("Timely and effective communications.")
    );
    assert_eq!(cec01.details.outcome.as_deref(), Some("Informed public."));
    assert_eq!(
        cec01.details.critical_success_factors.as_deref(),
        Some("Observing purdah.")
    );
    assert_eq!(cec01.details.environmental_impacts.as_deref(), Some("N/A"));
    assert_eq!(
        cec01.details.service_role.as_deref(),
        Some("Community Leadership")
    );
    assert_eq!(
        cec01.details.other_services.as_deref(),
        Some("Support for election process")
    );
    assert_eq!(cec01.details.partnership_links.as_deref(), Some("None"));
    assert_eq!(parent_title(plan, cec01), "Increase community engagement");

    let cec02 = action(plan, "15-CEC02");
    assert_eq!(
        leads(cec02),
        [
            "Communications Team Leader",
            "Engagement and Partnerships Team Leader",
            "HR"
        ]
    );
    assert!(cec02.lead_officers.iter().all(|l| l.joint));
    let cec05 = action(plan, "15-CEC05");
    assert_eq!(
        leads(cec05),
        [
            "Head of Communications, Engagement and Culture",
            "Director of Hertford Theatre"
        ]
    );
    assert_eq!(
        parent_title(plan, cec05),
        "Deliver customer focused services"
    );
    let cec07 = action(plan, "15-CEC07");
    assert_eq!(cec07.details.service_role.as_deref(), Some("Enabler"));
    assert_eq!(
        parent_title(plan, cec07),
        "Improve the health and well-being of our residents"
    );
    assert_eq!(
        cec07.details.target.as_deref(),
        Some("Deliver in accordance with agreed programme")
    );

    // The priority carries its strapline and sits above the objectives.
    let objective = &plan.nodes[cec01.nodes[0]];
    let priority = &plan.nodes[objective.parent.expect("objective has a priority")];
    assert_eq!(
        (priority.level, priority.title.as_str()),
        (NodeLevel::Priority, "People")
    );
    assert!(
        priority
            .strapline
            .as_deref()
            .unwrap_or("")
            .starts_with("Fair and accessible services")
    );
    let due = cec01.due.as_ref().unwrap();
    assert_eq!(
        (due.earliest, due.latest),
        (Some(ymd(2015, 5, 7)), Some(ymd(2015, 5, 7)))
    );
    assert!(findings_of(&doc, FindingKind::MissingLeadOfficer).is_empty());
}

#[test]
fn s002_key_actions_milestones_and_faults() {
    let Some(doc) = sample("002_") else { return };
    let plan = &doc.plans[0];
    assert_eq!(plan.kind, PlanKind::Service);
    assert_eq!(
        plan.period.map(|p| p.to_string()).as_deref(),
        Some("2017/18 to 2019/20")
    );
    // KA.1–KA.155 less the missing KA.146–148, with KA.124/125 twice.
    assert_eq!(plan.actions.len(), 154);

    let ka1 = action(plan, "KA.1");
    assert_eq!(
        ka1.title,
        "Set up a shared service Home Improvement Agency (HIA)"
    );
    assert_eq!(leads(ka1), ["Head of Housing and Health"]);
    assert_eq!(ka1.details.service_ref.as_deref(), Some("HH2.1"));
    assert_eq!(
        milestones(ka1),
        [
            ("Commence HIA in shadow form", "April 2017"),
            (
                "Complete TUPE arrangements if/where applicable",
                "September 2017"
            ),
            ("Commence full shared service", "September 2017"),
        ]
    );
    let due = ka1.due.as_ref().unwrap();
    assert_eq!(
        (due.earliest, due.latest),
        (Some(ymd(2017, 4, 1)), Some(ymd(2017, 9, 30)))
    );
    assert_eq!(
        parent_title(plan, ka1),
        "Residents living active and healthy lives"
    );
    let outcome = &plan.nodes[ka1.nodes[0]];
    assert_eq!(outcome.level, NodeLevel::Outcome);
    assert_eq!(
        plan.nodes[outcome.parent.unwrap()].title,
        "IMPROVE THE HEALTH AND WELLBEING OF OUR COMMUNITIES"
    );
    let mehpi132 = &plan.indicators[ka1.indicators[0]];
    assert_eq!(
        mehpi132.code.as_ref().map(|c| c.as_str()),
        Some("MEHPI 132")
    );
    assert_eq!(
        mehpi132.title,
        "% of full applications for Disabled Facilities Grant (DFG) approved within 7 weeks"
    );
    assert_eq!(mehpi132.frequency, Some(Frequency::Monthly));
    assert_eq!(mehpi132.unit, Unit::Percent);

    for (code, titles, dates) in [
        (
            "KA.2",
            vec!["Complete the register of assets"],
            vec!["April 2017", "March 2018"],
        ),
        (
            "KA.4",
            vec![
                "Member approval of revised Air Quality Action Plan",
                "Submit annual monitoring report to DEFRA",
            ],
            vec!["June 2017", "September 2017", "March 2018"],
        ),
        (
            "KA.11",
            vec!["Development Phase.", "Implementation Phase."],
            vec!["2017 – 2018", "2019 – 2020"],
        ),
        (
            "KA.14",
            vec![
                "Complete review of current provision (commenced in 2016/17",
                "Gain member approval for actions",
            ],
            vec!["April 2017", "June 2017", "September 2017", "March 2018"],
        ),
        (
            "KA.41",
            vec![
                "Efficiency savings delivered.",
                "Contract award.",
                "Contract commences.",
            ],
            vec!["April 2017", "June/July 2017", "May 2018"],
        ),
        (
            "KA.62",
            vec![
                "Feasibility testing stage",
                "Development phase (contingent to feasibility phase approval)",
                "Campaign phase",
            ],
            vec!["Jul- Dec 2017", "Jan-Jul 2017", "Aug- Oct 2017"],
        ),
        (
            "KA.69",
            vec![
                "Review the need for replacement/upgrade of existing cameras",
                "Review coverage",
            ],
            vec!["June 2017", "June 2017", "September 2017", "December 2017"],
        ),
        (
            "KA.127",
            vec![
                "Processing employee payroll (approximately 400 employees – including casuals)",
                "Processing members payroll (50 Councillors)",
            ],
            vec!["Monthly", "Monthly", "As required"],
        ),
    ] {
        let a = action(plan, code);
        let got = milestones(a);
        assert_eq!(
            got.iter().map(|m| m.1).collect::<Vec<_>>(),
            dates,
            "{code} milestone dates"
        );
        for (i, title) in titles.iter().enumerate() {
            assert_eq!(got[i].0, *title, "{code} milestone {i}");
        }
    }
    let ka10 = action(plan, "KA.10");
    assert_eq!(ka10.milestones.len(), 8);
    assert_eq!(milestones(ka10)[3].1, "TBC");
    assert!(
        milestones(ka10)[3]
            .0
            .starts_with("Improve Hartham Common by: a) Commissioning")
    );

    // One date: no milestones, the measure kept as written.
    let ka9 = action(plan, "KA.9");
    assert!(ka9.milestones.is_empty());
    assert_eq!(due_text(ka9), "March 2018");
    assert_eq!(
        ka9.details.measures.as_deref(),
        Some("Review business critical maintenance/capital works at leisure centres")
    );

    // A row spilt over a page: the continuation joins its action.
    let ka36 = action(plan, "KA.36");
    assert!(
        ka36.details
            .measures
            .as_deref()
            .unwrap_or("")
            .ends_with("reputation.")
    );
    let ka44 = action(plan, "KA.44");
    let codes: Vec<&str> = ka44
        .indicators
        .iter()
        .filter_map(|&i| plan.indicators[i].code.as_ref().map(|c| c.as_str()))
        .collect();
    assert_eq!(codes, ["MEHPI 205", "EHPI 206", "EHPI 207"]);

    // Indicators named in "Other Performance Indicators" paragraphs hang
    // from the outcome they support.
    let ind = |code: &str| {
        plan.indicators
            .iter()
            .find(|i| i.code.as_ref().is_some_and(|c| c.as_str() == code))
            .unwrap_or_else(|| panic!("{code}"))
    };
    let qehpi150 = ind("QEHPI 150");
    assert_eq!(qehpi150.title, "Number of prevented homeless applications");
    assert_eq!(qehpi150.frequency, Some(Frequency::Quarterly));
    assert_eq!(
        plan.nodes[qehpi150.nodes[0]].title,
        "Support for our vulnerable families and individuals"
    );
    assert_eq!(
        ind("AEHPI 130").frequency,
        Some(Frequency::Monthly),
        "'Collected Monthly' beats the A prefix"
    );
    assert_eq!(ind("HEHPI 148").frequency, Some(Frequency::HalfYearly));
    assert_eq!(
        ind("MEHPI 2.2").frequency,
        Some(Frequency::Monthly),
        "from the M prefix"
    );
    assert_eq!(ind("EHPI 9.1").frequency, None);
    assert_eq!(plan.nodes[ind("QEHPI 5.1").nodes[0]].title, "All Outcomes");

    // The faults the performance team needs to see.
    let dups = findings_of(&doc, FindingKind::DuplicateCode);
    assert_eq!(dups.len(), 2);
    assert!(dups[0].contains("KA.124") && dups[1].contains("KA.125"));
    let gaps = findings_of(&doc, FindingKind::NumberingGap);
    assert_eq!(gaps.len(), 1);
    assert!(gaps[0].contains("KA.146–KA.148"), "{}", gaps[0]);
    let missing_lead = findings_of(&doc, FindingKind::MissingLeadOfficer);
    assert!(
        missing_lead.iter().any(|m| m.contains("KA.6 ")),
        "{missing_lead:?}"
    );
    assert!(missing_lead.iter().any(|m| m.contains("KA.64 ")));
    let tbc = findings_of(&doc, FindingKind::DateToBeConfirmed);
    assert!(tbc.iter().any(|m| m.contains("KA.105")), "{tbc:?}");
    let gap = doc
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::NumberingGap)
        .unwrap();
    assert_eq!(gap.provenance.as_ref().and_then(|p| p.line), Some(254));
}

#[test]
fn s003_improvement_plan_progress() {
    let Some(doc) = sample("003_") else { return };
    let plan = &doc.plans[0];
    assert_eq!(plan.kind, PlanKind::Improvement);
    assert_eq!(
        plan.period.map(|p| p.to_string()).as_deref(),
        Some("2013/14")
    );
    let codes: Vec<String> = plan.actions.iter().filter_map(|a| a.code.clone()).collect();
    assert_eq!(codes, (1..=27).map(|n| n.to_string()).collect::<Vec<_>>());
    use ActionStatus::*;
    let expected = [
        Achieved, Achieved, Achieved, Achieved, Achieved, OnTrack, Achieved, Achieved, Achieved,
        OnTrack, Achieved, OnTrack, Achieved, OnTrack, OnTrack, OnTrack, OnTrack, OnTrack, OnTrack,
        NotStarted, Deferred, Achieved, OnTrack, Achieved, Deferred, NotStarted, OnTrack,
    ];
    for (a, status) in plan.actions.iter().zip(expected) {
        let last = a
            .updates
            .last()
            .unwrap_or_else(|| panic!("action {:?} has no update", a.code));
        assert_eq!(last.status, status, "action {:?}", a.code);
        assert_eq!(last.as_at, ymd(2013, 9, 30));
    }
    let a8 = action(plan, "8");
    assert!(
        a8.updates[0]
            .commentary
            .starts_with("Achieved and more planned.")
    );

    let a1 = action(plan, "1");
    assert_eq!(a1.title, "Hold an Executive Awayday to:");
    assert!(
        a1.description
            .as_deref()
            .unwrap_or("")
            .contains("Decide how far on the community leadership spectrum we will go.")
    );
    assert_eq!(leads(a1), ["CMT"]);
    assert_eq!(a1.details.priority_link.as_deref(), Some("PEOPLE"));
    let area = &plan.nodes[a1.nodes[0]];
    assert_eq!(area.label, "Area for Improvement");
    assert_eq!(
        plan.nodes[area.parent.unwrap()].title,
        "Community Leadership"
    );

    // Action 9's area is marked "(continued)" after a page break: same node.
    assert_eq!(action(plan, "9").nodes, action(plan, "6").nodes);
    assert_eq!(
        leads(action(plan, "11")),
        [
            "Chief Executive",
            "Director of Customer and Community Services (DCCS)",
            "Head of Legal and Democratic Services"
        ]
    );
    assert_eq!(action(plan, "16").related, ["27"]);
    assert_eq!(action(plan, "17").related, ["16"]);
    assert!(
        action(plan, "20")
            .title
            .ends_with("Corporate Strategic Plan and Medium Term Financial Strategy.")
    );

    // The two revisions of a completion date.
    let a21 = action(plan, "21");
    assert_eq!(
        milestones(a21),
        [
            ("Brief completed", "31 March 2013"),
            ("opportunities finalised", "September 2013")
        ]
    );
    assert_eq!(
        a21.updates.iter().map(|u| u.status).collect::<Vec<_>>(),
        [Achieved, Deferred]
    );
    let revisions: Vec<(&str, &str)> = plan
        .actions
        .iter()
        .flat_map(|a| {
            a.revisions
                .iter()
                .map(|r| (r.from.text.as_str(), r.to.text.as_str()))
        })
        .collect();
    assert_eq!(
        revisions,
        [
            ("September 2013", "November 2013"),
            ("Autumn 2013", "December 2013")
        ]
    );
    let a25 = action(plan, "25");
    assert_eq!(a25.revisions[0].reported, Some(ymd(2013, 9, 30)));
    assert_eq!(
        a25.current_due().and_then(|d| d.latest),
        Some(ymd(2013, 12, 31))
    );
    assert_eq!(due_text(action(plan, "27")), "Annually (May each year)");
}
