//! The five real plans in shared/samples, read as a careful person reads
//! them: codes, titles, lead officers, dates, statuses, milestones,
//! indicators, the golden thread above the actions, and the faults.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use goldthread_domain::{
    Action, ActionStatus, FindingKind, Frequency, NodeLevel, PlanDocument, PlanDraft, PlanKind,
    Unit,
};
use goldthread_import::read_document;

/// The samples' copies kept with the demo, so the tests run on a fresh clone.
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../cli/demo/");

fn sample(stem: &str) -> Option<PlanDocument> {
    let dir = std::path::Path::new(DIR);
    // The samples are kept in the repository: missing is a failure.
    assert!(dir.is_dir(), "samples not found in {DIR}");
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
        cec01.details.get(goldthread_domain::DetailField::Target),
        Some("Timely and effective communications.")
    );
    assert_eq!(
        cec01.details.get(goldthread_domain::DetailField::Outcome),
        Some("Informed public.")
    );
    assert_eq!(
        cec01
            .details
            .get(goldthread_domain::DetailField::CriticalSuccessFactors),
        Some("Observing purdah.")
    );
    assert_eq!(
        cec01
            .details
            .get(goldthread_domain::DetailField::EnvironmentalImpacts),
        Some("N/A")
    );
    assert_eq!(
        cec01
            .details
            .get(goldthread_domain::DetailField::ServiceRole),
        Some("Community Leadership")
    );
    assert_eq!(
        cec01
            .details
            .get(goldthread_domain::DetailField::OtherServices),
        Some("Support for election process")
    );
    assert_eq!(
        cec01
            .details
            .get(goldthread_domain::DetailField::PartnershipLinks),
        Some("None")
    );
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
    assert_eq!(
        cec07
            .details
            .get(goldthread_domain::DetailField::ServiceRole),
        Some("Enabler")
    );
    assert_eq!(
        parent_title(plan, cec07),
        "Improve the health and well-being of our residents"
    );
    assert_eq!(
        cec07.details.get(goldthread_domain::DetailField::Target),
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
    assert_eq!(
        ka1.details.get(goldthread_domain::DetailField::ServiceRef),
        Some("HH2.1")
    );
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
        ka9.details.get(goldthread_domain::DetailField::Measures),
        Some("Review business critical maintenance/capital works at leisure centres")
    );

    // A row spilt over a page: the continuation joins its action.
    let ka36 = action(plan, "KA.36");
    assert!(
        ka36.details
            .get(goldthread_domain::DetailField::Measures)
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
        // 21 says "Achieved" beside its revised date: achieved, as the council counts it.
        NotStarted, Achieved, Achieved, OnTrack, Achieved, Deferred, NotStarted, OnTrack,
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
    assert_eq!(
        a1.details.get(goldthread_domain::DetailField::PriorityLink),
        Some("PEOPLE")
    );
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
    // Both readings of its cell are kept; "Achieved" is the cell's last word.
    assert_eq!(
        a21.updates.iter().map(|u| u.status).collect::<Vec<_>>(),
        [Deferred, Achieved]
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
    assert_eq!(leads(action(plan, "22")), ["CMT"]);
    assert!(findings_of(&doc, FindingKind::MissingLeadOfficer).is_empty());
}

#[test]
fn s001_service_plan_with_operational_and_improvement_plans() {
    let Some(doc) = sample("001_") else { return };
    let kinds: Vec<(PlanKind, &str)> = doc
        .plans
        .iter()
        .map(|p| (p.kind, p.title.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                PlanKind::Service,
                "SERVICE PLAN FOR COMMUNITY AND CUSTOMER SERVICES"
            ),
            (
                PlanKind::Operational,
                "OPERATIONAL PLAN: Policy and Performance Team"
            ),
            (PlanKind::Operational, "OPERATIONAL PLAN: Partnerships Team"),
            (PlanKind::Operational, "OPERATIONAL PLAN: Communications"),
            (
                PlanKind::Operational,
                "OPERATIONAL PLAN: Electoral & Support Services"
            ),
            (PlanKind::Improvement, "IMPROVEMENT PLAN"),
        ]
    );
    assert!(
        doc.plans
            .iter()
            .all(|p| p.period.map(|x| x.to_string()).as_deref() == Some("2009/10 to 2011/12"))
    );
    let service = &doc.plans[0];
    assert_eq!(
        service.owner.as_deref(),
        Some("COMMUNITY AND CUSTOMER SERVICES")
    );
    // Council Actions implementation plans: 12 actions, numbered steps each
    // with its own month.
    assert_eq!(service.actions.len(), 12);
    let first = &service.actions[0];
    assert_eq!(
        first.title,
        "Work with voluntary groups to provide information and advice at events in 20 villages a year by 2010"
    );
    assert_eq!(
        leads(first),
        ["Partnerships Manager", "Community Liaison Officer"]
    );
    assert_eq!(
        milestones(first),
        [
            ("Recruit Community Liaison Officer.", "April 2009"),
            (
                "Map local authority, parish council and community and voluntary organisation village events.",
                "April 2009"
            ),
            (
                "Contact event organisers to request permission for the provision of SCDC information.",
                "May 2009"
            ),
            (
                "Attend at least 20 events in villages across the district during 2009.",
                "Ongoing throughout the year"
            ),
        ]
    );
    assert_eq!(first.details.resources_pounds(), Some(24_000));
    assert_eq!(
        first.details.get(goldthread_domain::DetailField::Outputs),
        Some("Information and advice provided at events in 20 villages a year by 2010")
    );
    assert_eq!(
        first
            .details
            .get(goldthread_domain::DetailField::OtherServices),
        Some("New Communities, through attendance at their events.")
    );
    let a1 = action(service, "A1");
    assert_eq!(
        milestones(a1)[0],
        (
            "Report to EMT/Portfolio Holder to identify the appropriate areas for user groups",
            "Jan 09"
        )
    );
    assert_eq!(due_text(a1), "Oct 09");
    assert_eq!(a1.details.resources_pounds(), Some(5_000));
    // Narrative sections and the risks a–p.
    let headings: Vec<&str> = service
        .sections
        .iter()
        .map(|s| s.heading.as_str())
        .collect();
    for h in [
        "1. Key Functions and Responsibilities",
        "a) External Drivers",
        "c) Strengths and Weaknesses",
        "10. Risk Overview",
    ] {
        assert!(headings.contains(&h), "{h} in {headings:?}");
    }
    let risks: Vec<&str> = service
        .risks
        .iter()
        .filter_map(|r| r.code.as_deref())
        .collect();
    assert_eq!(
        risks,
        [
            "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"
        ]
    );
    assert_eq!(
        service.risks[0].event.as_deref(),
        Some("Failure to deliver community safety targets")
    );

    // Operational plans: indicators with targets per year and baselines.
    let partnerships = &doc.plans[2];
    let ni4 = partnerships
        .indicators
        .iter()
        .find(|i| i.code.as_ref().is_some_and(|c| c.as_str() == "NI 4"))
        .expect("NI 4");
    assert_eq!(
        ni4.title,
        "% of people who feel they can influence decisions in their locality"
    );
    let baseline = ni4.baseline.as_ref().expect("baseline");
    assert_eq!(
        (baseline.value, baseline.when.as_deref()),
        (Some(33.9), Some("2008"))
    );
    let targets: Vec<(String, Option<f64>)> = ni4
        .targets
        .iter()
        .map(|t| (t.period.to_string(), t.value))
        .collect();
    assert_eq!(
        targets,
        [
            ("2009/10".into(), Some(34.0)),
            ("2010/11".into(), Some(38.0)),
            ("2011/12".into(), Some(39.0))
        ]
    );
    assert_eq!(ni4.owner.as_deref(), Some("Partnerships Manager"));
    assert_eq!(
        partnerships.nodes[ni4.nodes[0]].title,
        "Co-ordinate the delivery of the district council's Community Engagement Strategy"
    );
    let comms = &doc.plans[3];
    let in_site = comms
        .indicators
        .iter()
        .find(|i| i.title == "% staff find In-Site useful")
        .expect("In-Site");
    assert_eq!(
        in_site.baseline.as_ref().map(|b| b.text.as_str()),
        Some("72%")
    );
    assert_eq!(
        in_site
            .targets
            .iter()
            .map(|t| t.period.to_string())
            .collect::<Vec<_>>(),
        ["2009/10", "2010/11", "2011/12"]
    );
    let electoral = &doc.plans[4];
    let ni14 = electoral
        .indicators
        .iter()
        .find(|i| i.code.as_ref().is_some_and(|c| c.as_str() == "NI 14"))
        .expect("NI 14");
    assert!(ni14.title.starts_with("Avoidable contact"));
    let sx18 = electoral
        .indicators
        .iter()
        .find(|i| i.code.as_ref().is_some_and(|c| c.as_str() == "SX 18"))
        .expect("SX18");
    assert_eq!(
        electoral.nodes[electoral.nodes[sx18.nodes[0]].parent.unwrap()].title,
        "To enable Service First to set and achieve improved standards of customer service"
    );

    // Improvement plan: headerless continuation tables reuse the header.
    let improvement = &doc.plans[5];
    assert!(
        improvement.actions.len() >= 19,
        "{}",
        improvement.actions.len()
    );
    let corvu = improvement
        .actions
        .iter()
        .find(|a| a.title.starts_with("Develop the use of Corvu"))
        .expect("Corvu");
    assert_eq!(corvu.milestones.len(), 7);
    assert_eq!(corvu.details.resources_pounds(), Some(20_000));
    assert_eq!(leads(corvu), ["Ian Salter"]);
}

#[test]
fn s004_corporate_action_plan() {
    let Some(doc) = sample("004_") else { return };
    let plan = &doc.plans[0];
    assert_eq!(plan.kind, PlanKind::CorporateAction);
    assert_eq!(
        plan.period.map(|p| p.to_string()).as_deref(),
        Some("2017/18")
    );
    // Themes above the ten corporate actions, as the opening list gives them.
    let corporate: Vec<(&str, &str)> = plan
        .nodes
        .iter()
        .filter(|n| n.label == "Corporate Action")
        .map(|n| {
            (
                n.code.as_deref().unwrap_or(""),
                plan.nodes[n.parent.expect("theme")].title.as_str(),
            )
        })
        .collect();
    assert_eq!(corporate.len(), 10);
    assert_eq!(corporate[0], ("CA1", "Being an Enterprising Council"));
    assert_eq!(corporate[5], ("CA6", "Planning for the Future"));
    assert_eq!(corporate[9], ("CA10", "Supporting Our Communities"));
    // Key outputs are the actions, numbered under their corporate action.
    let ca12 = action(plan, "CA1.2");
    assert_eq!(
        ca12.title,
        "Hertsmere Developments Limited (HDL) business plan to be approved by HDL board and the Council"
    );
    assert_eq!(leads(ca12), ["Chief Executive"]);
    assert_eq!(
        milestones(ca12),
        [
            ("Business Plan approved by HDL Board", "Summer 2017"),
            ("Business Plan approved by Full Council", "Autumn 2017")
        ]
    );
    assert_eq!(
        leads(action(plan, "CA1.1")),
        ["Head of Legal & Democratic Services"]
    );
    assert_eq!(leads(action(plan, "CA1.4")), ["Chief Executive"]);
    assert_eq!(due_text(action(plan, "CA5.1")), "Summer 2017");
    for code in ["CA6.1", "CA6.2", "CA6.3"] {
        assert_eq!(
            leads(action(plan, code)),
            ["Head of Planning and Economic Development"],
            "{code}"
        );
    }
    assert_eq!(
        leads(action(plan, "CA7.3")),
        ["Head of Partnerships and Community Engagement"]
    );
    assert_eq!(
        action(plan, "CA3.1")
            .details
            .get(goldthread_domain::DetailField::MonitoringBodies),
        Some("Asset Management Board, Chief Officer Board")
    );
    assert_eq!(
        action(plan, "CA10.2")
            .details
            .get(goldthread_domain::DetailField::MonitoringBodies),
        Some("Responsible Authorities Group (via the Local Strategic Partnership)")
    );
    let ca101 = action(plan, "CA10.1");
    assert_eq!(
        milestones(ca101).iter().map(|m| m.1).collect::<Vec<_>>(),
        ["May 2017", "October 2017", "End March 2018"]
    );
    assert_eq!(
        action(plan, "CA3.1").due.as_ref().map(|d| d.text.as_str()),
        Some("Ongoing 2017/18")
    );
    let ni156 = &plan.indicators[action(plan, "CA7.2").indicators[0]];
    assert_eq!(ni156.code.as_ref().map(|c| c.as_str()), Some("NI 156"));
    // OCR damage and the table the extraction lost its header from.
    let suspect = findings_of(&doc, FindingKind::SuspectText);
    assert!(
        suspect.iter().any(|m| m.contains("rianagement")),
        "{suspect:?}"
    );
    let lost = doc
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::UnrecognisedTable)
        .expect("CA9 table");
    assert_eq!(lost.provenance.as_ref().and_then(|p| p.line), Some(113));
    assert!(findings_of(&doc, FindingKind::DuplicateCode).is_empty());
}

#[test]
fn indicators_take_polarity_and_unit_from_their_titles() {
    let Some(doc) = sample("002_") else { return };
    let find = |code: &str| {
        doc.plans[0]
            .indicators
            .iter()
            .find(|i| i.code.as_ref().is_some_and(|c| c.as_str() == code))
            .unwrap_or_else(|| panic!("no indicator {code}"))
    };
    use goldthread_domain::Polarity;
    assert_eq!(
        (find("MEHPI 132").polarity, find("MEHPI 132").unit),
        (Polarity::HigherIsBetter, Unit::Percent)
    );
    assert_eq!(
        (find("MEHPI 181").polarity, find("MEHPI 181").unit),
        (Polarity::LowerIsBetter, Unit::Days)
    );
    assert_eq!(
        find("QEHPI 151").polarity,
        Polarity::LowerIsBetter,
        "homeless households in temporary accommodation"
    );
}

/// The samples' readings as scores that must not fall: thread nodes,
/// actions, milestones, indicators, targets, updates, risks, actions with a
/// lead officer and with a due date. A change that reads more is welcome
/// (raise the floor); one that reads less fails here first.
#[test]
fn sample_scores_do_not_fall() {
    const FLOORS: &[(&str, [usize; 9])] = &[
        ("000_", [4, 8, 0, 0, 0, 0, 0, 8, 8]),
        ("001_", [43, 31, 81, 70, 160, 0, 16, 31, 28]),
        ("002_", [15, 154, 72, 54, 0, 0, 0, 152, 154]),
        ("003_", [22, 27, 5, 0, 0, 28, 0, 27, 27]),
        ("004_", [13, 26, 15, 1, 0, 0, 0, 26, 26]),
    ];
    const NAMES: [&str; 9] = [
        "nodes",
        "actions",
        "milestones",
        "indicators",
        "targets",
        "updates",
        "risks",
        "led",
        "dated",
    ];
    for (stem, floor) in FLOORS {
        let Some(doc) = sample(stem) else { return };
        let c = doc.counts();
        let actions = || doc.plans.iter().flat_map(|p| &p.actions);
        let score = [
            c.priorities + c.outcomes + c.objectives,
            c.actions,
            c.milestones,
            c.indicators,
            c.targets,
            c.updates,
            c.risks,
            actions().filter(|a| !a.lead_officers.is_empty()).count(),
            actions().filter(|a| a.due.is_some()).count(),
        ];
        for i in 0..9 {
            assert!(
                score[i] >= floor[i],
                "sample {stem}: {} fell from {} to {}",
                NAMES[i],
                floor[i],
                score[i]
            );
        }
    }
}
