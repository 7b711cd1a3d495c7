//! One case a layout: a short document as another council would write it,
//! and its reading in one line per indicator or action. Adding a layout is
//! adding a case.
//!
//! An indicator reads `code|title: period=value/target[status] …`; an
//! action `title | leads | due | status | from→to`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use goldthread_domain::{Indicator, PlanDocument};
use goldthread_import::{ReadOptions, read_document_with};

fn reading(doc: &PlanDocument) -> String {
    let mut lines = Vec::new();
    for plan in &doc.plans {
        for i in &plan.indicators {
            lines.push(indicator_line(i));
        }
        for a in &plan.actions {
            let status = a
                .updates
                .iter()
                .max_by_key(|u| u.as_at)
                .map(|u| u.status.as_str());
            let leads: Vec<&str> = a.lead_officers.iter().map(|o| o.name.as_str()).collect();
            let revisions: Vec<String> = a
                .revisions
                .iter()
                .map(|r| format!("{}→{}", r.from.text, r.to.text))
                .collect();
            lines.push(format!(
                "{} | {} | {} | {} | {}",
                a.title,
                leads.join("+"),
                a.due.as_ref().map_or("-", |d| d.text.as_str()),
                status.unwrap_or("-"),
                revisions.join(",")
            ));
        }
    }
    lines.join("\n")
}

fn indicator_line(i: &Indicator) -> String {
    let mut out = format!(
        "{}|{}:",
        i.code.as_ref().map_or("", |c| c.as_str()),
        i.title
    );
    let mut periods: Vec<_> = i
        .measurements
        .iter()
        .map(|m| m.period)
        .chain(i.targets.iter().map(|t| t.period))
        .collect();
    periods.sort_by_key(|p| (p.first_day(), std::cmp::Reverse(p.last_day())));
    periods.dedup();
    for p in periods {
        let m = i.measurements.iter().find(|m| m.period == p);
        let value = m
            .and_then(|m| m.value.map(|v| v.to_string()).or(m.text.clone()))
            .unwrap_or_default();
        let target = i
            .targets
            .iter()
            .find(|t| t.period == p)
            .map(|t| format!("/{}", t.value.map_or(t.text.clone(), |v| v.to_string())))
            .unwrap_or_default();
        let status = m
            .and_then(|m| m.status)
            .map(|s| format!("[{}]", s.as_str()))
            .unwrap_or_default();
        out.push_str(&format!(" {p}={value}{target}{status}"));
    }
    out
}

fn check(file_name: &str, input: &str, area: Option<&str>, expected: &str) {
    let options = ReadOptions {
        area: area.map(str::to_string),
        ..ReadOptions::default()
    };
    let read = read_document_with(file_name, input.as_bytes(), &options).expect("reads");
    let got = reading(&read.document);
    assert_eq!(
        got.trim(),
        expected.trim(),
        "\n--- {file_name} read as:\n{got}\n"
    );
}

#[test]
fn kpi_return_with_last_and_this_quarter() {
    check(
        "kpis.txt",
        "Quarterly performance report Q2 2024/25\n\
         Code\tDescription\tService\tLast quarter\tThis quarter\tTarget\tStatus\n\
         HS01\t% of rent collected\tHousing\t97.1%\t98.2%\t98%\tGreen\n\
         HS02\tAverage days to relet\tHousing\t31\t35\t28\tRed\n",
        None,
        "HS01|% of rent collected: 2024/25=/98 2024/25 Q1=97.1 2024/25 Q2=98.2[green]\n\
         HS02|Average days to relet: 2024/25=/28 2024/25 Q1=31 2024/25 Q2=35[red]",
    );
}

#[test]
fn quarter_columns_with_a_yearly_target_and_an_empty_target() {
    check(
        "pi-2023-24.csv",
        "PI Code,Indicator,Q1,Q2,Q3,Q4,Target 2023/24,RAG\n\
         NI 14,Avoidable contact,12,11,10,9,,Green\n\
         BV 8,Invoices paid on time,95%,96%,97%,98%,97%,G\n",
        None,
        "NI 14|Avoidable contact: 2023/24 Q1=12 2023/24 Q2=11 2023/24 Q3=10 2023/24 Q4=9[green]\n\
         BV 8|Invoices paid on time: 2023/24=/97 2023/24 Q1=95 2023/24 Q2=96 2023/24 Q3=97 2023/24 Q4=98[green]",
    );
}

#[test]
fn monthly_columns_named_by_month_in_the_documents_year() {
    check(
        "monthly.txt",
        "Monthly dashboard 2024/25\n\
         Indicator\tApr\tMay\tJun\tTarget\n\
         Missed bins per 100,000\t45\t51\t38\t50\n",
        None,
        "|Missed bins per 100,000: 2024/25=/50 2024-04=45 2024-05=51 2024-06=38",
    );
}

#[test]
fn long_open_data_table_with_one_area() {
    check(
        "long.csv",
        "indicator,period,value,unit\n\
         Recycling rate,2022/23,41.2,%\n\
         Recycling rate,2023/24,43.0,%\n\
         Fly-tipping incidents,2023/24,1204,number\n",
        None,
        "|Recycling rate: 2022/23=41.2 2023/24=43\n\
         |Fly-tipping incidents: 2023/24=1204",
    );
}

#[test]
fn long_table_of_several_areas_keeps_ours() {
    let input = "area code,area name,period,indicator,value\n\
                 E07000001,Ashford,2023/24,Homes built,410\n\
                 E07000002,Bexford,2023/24,Homes built,222\n\
                 E07000001,Ashford,2022/23,Homes built,380\n";
    check(
        "areas.csv",
        input,
        Some("Ashford"),
        "|Homes built: 2022/23=380 2023/24=410",
    );
    check(
        "areas.csv",
        input,
        Some("E07000002"),
        "|Homes built: 2023/24=222",
    );
    check("areas.csv", input, None, "");
}

#[test]
fn value_headings_dated_in_every_form() {
    check(
        "dated.txt",
        "Indicator\t30/09/2013\tSept 2013\tQ2 2013/14\t2012/13 outturn\n\
         Calls answered\t91\t92\t93\t89\n",
        None,
        "|Calls answered: 2012/13=89 2013/14 Q2=93 2013-09=92",
    );
}

#[test]
fn action_tracker_as_key_value_blocks() {
    check(
        "tracker.txt",
        "Housing action tracker 2024/25\n\
         Position as at 30 September 2024\n\n\
         Action: Deliver 200 affordable homes\n\
         Lead: Head of Housing\n\
         Due date: 31 March 2025\n\
         Status: Green\n\
         Update: 150 homes delivered so far.\n\n\
         Action: Review the allocations policy\n\
         Lead: Housing Options Manager\n\
         Due date: 31 March 2024\n\
         Update: Consultation delayed; 30 June 2025 extended from 31 March 2024\n",
        None,
        "Deliver 200 affordable homes | Head of Housing | 31 March 2025 | on_track | \n\
         Review the allocations policy | Housing Options Manager | 31 March 2024 | deferred | 31 March 2024→30 June 2025",
    );
}

#[test]
fn rag_summary_with_two_heading_rows() {
    check(
        "qpr-2024-25-q3.tsv",
        "Customer Services KPIs\tRAG rating\t\tDoT\n\
         \tLatest\tPrevious\t\n\
         % of calls answered\tGREEN\tAMBER\t↑\n",
        None,
        "|% of calls answered: 2024/25 Q2=[amber] 2024/25 Q3=[green]",
    );
}

#[test]
fn previous_and_current_figures_named_with_their_quarters() {
    check(
        "service-report.txt",
        "Quarterly Service Report Q2 2023/24\n\
         Ind Ref\tShort Description\tPrevious Figure Q1 2023/24\tCurrent Figure Q2 2023/24\tCurrent Target\tCurrent Status\tComparison with same period in previous year\n\
         L178\tNumber of household nights in B&B\t12\t9\t10\tG\tup\n",
        None,
        "L178|Number of household nights in B&B: 2023/24 Q1=12 2023/24 Q2=9/10[green]",
    );
}

#[test]
fn the_tables_own_headings_give_the_year_of_a_bare_quarter() {
    check(
        "kpis.txt",
        "Corporate Plan KPIs\n\
         Indicator\tTolerance\t2023/24 Annual Target\t2023/24 Q2 Target\tQ2 Performance\tShort Term DOT against Q1\tComments\n\
         Percentage of Council Tax collected\t±2%\t96%\t55%\t54.2%\t↑\tOn track\n",
        None,
        "|Percentage of Council Tax collected: 2023/24=/96 2023/24 Q2=54.2/55",
    );
}

#[test]
fn a_scorecard_of_target_and_actual_pairs_is_indicators_not_actions() {
    check(
        "scorecard.txt",
        "Performance Scorecard 2024/25\n\
         Ref\tMeasure\tQ1 Target\tQ1 Actual\tQ2 Target\tQ2 Actual\tYear End Target\tRAG\tComments\n\
         CS1\tCalls answered within 60 seconds (%)\t80%\t78%\t80%\t83%\t80%\tGreen\tImproving\n",
        None,
        "CS1|Calls answered within 60 seconds (%): 2024/25=/80 2024/25 Q1=78/80 2024/25 Q2=83/80[green]",
    );
}

#[test]
fn an_action_tracker_whose_headings_the_plan_reader_does_not_know() {
    check(
        "tracker.txt",
        "Transformation Programme Tracker Q2 2024/25\n\
         Project\tOwner\tDeadline\tRAG\tLatest position\n\
         Move payroll to the new system\tHead of HR\tMarch 2025\tAmber\tTesting slipped a month.\n\
         Close two depots\tDirector of Place\tDecember 2024\tGreen\tOn track.\n",
        None,
        "Move payroll to the new system | Head of HR | March 2025 | at_risk | \n\
         Close two depots | Director of Place | December 2024 | on_track | ",
    );
}

#[test]
fn a_mapping_makes_any_table_an_action_table() {
    let text = "Item\tWho\tWhen\tNotes\n\
                Refresh the website\tDigital Manager\tJune 2025\tSupplier chosen\n\
                Publish the annual report\tPolicy Officer\tJuly 2025\tDraft with editors\n";
    let mapping = goldthread_import::Mapping::parse(
        r#"{"goldthread_mapping": 1, "period": "2025/26 Q1", "tables": [{"headings": ["Item", "Who", "When", "Notes"],
            "columns": [{"heading": "Item", "role": "title"}, {"heading": "Who", "role": "lead"},
                        {"heading": "When", "role": "due"}, {"heading": "Notes", "role": "commentary"}]}]}"#,
    )
    .unwrap();
    let options = ReadOptions {
        mapping: Some(mapping),
        ..ReadOptions::default()
    };
    let read = read_document_with("list.txt", text.as_bytes(), &options).expect("reads");
    assert_eq!(
        reading(&read.document),
        "Refresh the website | Digital Manager | June 2025 | on_track | \n\
         Publish the annual report | Policy Officer | July 2025 | on_track | "
    );
    assert_eq!(
        read.tables[0].kind,
        goldthread_import::tables::TableKind::Actions
    );
}

#[test]
fn every_table_is_reported_with_its_columns_roles_whoever_read_it() {
    let text = "Housing Service Plan 2024/25\n\
                Code\tAction\tLead Officer\tDue Date\n\
                HS1\tBuild homes\tHead of Housing\tMarch 2025\n\
                \n\
                Indicator\tQ1\tQ2\tRAG\n\
                Rent collected (%)\t97\t98\tGreen\n";
    let read = read_document_with("plan.txt", text.as_bytes(), &ReadOptions::default()).unwrap();
    let roles: Vec<(&str, Vec<&str>)> = read
        .tables
        .iter()
        .map(|t| (t.kind.as_str(), t.columns.iter().map(|c| c.role).collect()))
        .collect();
    assert_eq!(
        roles,
        [
            ("plan", vec!["code", "title", "lead", "due"]),
            ("indicators", vec!["title", "value", "value", "status"]),
        ]
    );
    // A printed mapping names only the data tables: the plan reader's stay its own.
    let mapping = read.mapping(None);
    assert_eq!(mapping.tables.len(), 1);
    assert_eq!(mapping.tables[0].headings[0], "Indicator");
}

#[test]
fn year_end_and_previous_year_columns_are_the_years_figures() {
    check(
        "annual-pis.txt",
        "Annual Performance Indicators 2023/24\n\
         Indicator\tTarget\tQ1\tQ2\tQ3\tQ4\tYr end total / average\tPrevious year outturn\n\
         Sundry debt collected (%)\t90%\t55%\t84.54%\t78.24%\t90.09%\t90.09%\t88%\n",
        None,
        "|Sundry debt collected (%): 2022/23=88 2023/24=90.09/90 2023/24 Q1=55 2023/24 Q2=84.54 2023/24 Q3=78.24 2023/24 Q4=90.09",
    );
}

#[test]
fn last_year_is_the_same_quarter_a_year_earlier_not_the_last_quarter() {
    check(
        "kpi-update.txt",
        "Key Performance Indicator Update Quarter 1 2018/19\n\
         Performance Indicator\tValue\tTarget\tLast Year\tLast Quarter\n\
         Fly tips resulting in enforcement action (%)\t61.1%\t50%\t48%\t55%\n",
        None,
        "|Fly tips resulting in enforcement action (%): 2017/18 Q1=48 2017/18 Q4=55 2018/19=/50 2018/19 Q1=61.1",
    );
}

#[test]
fn figures_written_in_days_and_a_standard_in_days_beside_percentages() {
    let text = "Service standards 2023/24\n\
                Indicator\tTarget\tQ1\tQ2\n\
                Average days to pay an invoice\t14 days\t10.93 days\t9.80 days\n\
                Complaints answered within 7 working days (%)\t7 working days\t100%\t90%\n";
    // The percentages are not compared with 7: the target is the standard.
    check(
        "standards.txt",
        text,
        None,
        "|Average days to pay an invoice: 2023/24=/14 2023/24 Q1=10.93 2023/24 Q2=9.8\n\
         |Complaints answered within 7 working days (%): 2023/24=/7 working days 2023/24 Q1=100 2023/24 Q2=90",
    );
    let read =
        read_document_with("standards.txt", text.as_bytes(), &ReadOptions::default()).unwrap();
    let units: Vec<&str> = read.document.plans[0]
        .indicators
        .iter()
        .map(|i| i.unit.as_str())
        .collect();
    assert_eq!(units, ["days", "percent"]);
}

#[test]
fn a_column_of_how_often_is_the_frequency_whatever_its_heading_says() {
    let text = "Performance indicators 2023/24\n\
                Indicator\tTarget\tTime period to achieve target\tQ1\tQ2\n\
                Invoices paid within 30 days (%)\t90%\tMonthly\t95.65%\t97.15%\n\
                Full plans decided within 8 weeks (%)\t100%\tAnnually\t100%\t100%\n";
    check(
        "pis.txt",
        text,
        None,
        "|Invoices paid within 30 days (%): 2023/24=/90 2023/24 Q1=95.65 2023/24 Q2=97.15\n\
         |Full plans decided within 8 weeks (%): 2023/24=/100 2023/24 Q1=100 2023/24 Q2=100",
    );
    let read = read_document_with("pis.txt", text.as_bytes(), &ReadOptions::default()).unwrap();
    let frequencies: Vec<Option<&str>> = read.document.plans[0]
        .indicators
        .iter()
        .map(|i| i.frequency.map(|f| f.as_str()))
        .collect();
    assert_eq!(frequencies, [Some("monthly"), Some("annual")]);
    assert_eq!(read.tables[0].columns[2].role, "frequency");
}

#[test]
fn figures_named_in_a_second_heading_row_under_their_quarter() {
    let text = "Corporate Services Q3 Performance\n\
                Performance Indicator\tQ3 2023/24\t\t\t\n\
                \tValue\tTarget\tStatus\tShort Trend (Last Quarter)\n\
                Council Tax collected (%)\t81.50%\t82.42%\tAmber\t↑\n\
                Vacant commercial space (%)\tAnnual Indicator\t\t\t\n";
    // "Annual Indicator" says no figure is due this quarter: not a value.
    check(
        "corporate-services.txt",
        text,
        None,
        "|Council Tax collected (%): 2023/24 Q3=81.5/82.42[amber]\n\
         |Vacant commercial space (%):",
    );
    let read = read_document_with(
        "corporate-services.txt",
        text.as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    let vacant = &read.document.plans[0].indicators[1];
    assert_eq!(vacant.frequency.map(|f| f.as_str()), Some("annual"));
}

#[test]
fn an_action_table_whose_heading_row_is_not_there_is_read_by_its_cells() {
    // An appendix page that starts mid-table: code, action, lead, progress.
    check(
        "action-plan.txt",
        "Strategic Plan Action Plan: progress April to November 2011\n\
         Objective 1. A transport network that supports the local economy\n\
         OUT 001.01\tDeliver an integrated transport strategy\tHead of Planning\tThe transport modelling was presented to Members at a workshop in March 2011 and published for consultation.\n\
         OUT 001.02\tImplement an infrastructure delivery plan\tHead of Planning\tA draft infrastructure delivery schedule was consulted on from 2 September to 14 October 2011.\n",
        None,
        "Deliver an integrated transport strategy | Head of Planning | - | on_track | \n\
         Implement an infrastructure delivery plan | Head of Planning | - | on_track | ",
    );
}

#[test]
fn a_target_written_with_the_date_it_is_due_by_is_its_figure() {
    check(
        "pis.txt",
        "Performance indicators 2023/24\n\
         Indicator\tTarget\tQ1\tQ2\n\
         Calls lost (%)\t5% by March 2024\t3.6%\t2.8%\n",
        None,
        "|Calls lost (%): 2023/24=/5 2023/24 Q1=3.6 2023/24 Q2=2.8",
    );
}

#[test]
fn years_over_actual_and_target_in_a_second_heading_row() {
    // "2010/11" is a financial year, not November 2010; the row beneath
    // the years says which columns are actuals and which targets.
    check(
        "service-standards.txt",
        "Service standards – local performance indicators\n\
         Performance Indicators\tLPI\t2010/11\t2011/12\t2012/13\t2012/13\t2013/14\n\
         \t\tActual\tActual\tTarget\tActual\tTarget\n\
         Average time to process new claims (days)\tLPI0538\t15\t18.30\t18\t16.18\t18\n",
        None,
        "LPI0538|Average time to process new claims (days): 2010/11=15 2011/12=18.3 2012/13=16.18/18 2013/14=/18",
    );
}

#[test]
fn a_column_of_yes_no_marks_is_left_out_of_the_commentary() {
    let text = "Performance indicators Q1 2023/24\n\
                Indicator\tReported to the county\tQ1\tRAG\tComments\n\
                Council tax collected (%)\tY\t35.88%\tGreen\tBuilt up across the year\n\
                Sundry debt collected (%)\t\t55%\tRed\t\n\
                Business rates collected (%)\tY\t33.74%\tGreen\t\n";
    let read = read_document_with("pis.txt", text.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(
        read.tables[0].columns[1].role, "ignore",
        "{:?}",
        read.tables[0].columns[1]
    );
    let council_tax = &read.document.plans[0].indicators[0];
    assert_eq!(
        council_tax.measurements[0].note.as_deref(),
        Some("Built up across the year")
    );
}

#[test]
fn an_action_list_printed_one_field_a_line_is_read_as_its_table() {
    // A table flattened by its PDF or web page: each action a block of
    // lines, code first, a blank line between actions.
    check(
        "action-plan.txt",
        "Strategic Plan Action Plan: progress April to November 2011\n\
         Objective 1. A transport network that supports the local economy\n\
         \n\
         OUT 001.01\n\
         Deliver an integrated transport strategy\n\
         Head of Planning\n\
         The transport modelling was presented to Members at a workshop in March 2011 and published for consultation.\n\
         \n\
         OUT 001.02\n\
         Implement an infrastructure delivery plan\n\
         Head of Planning\n\
         A draft infrastructure delivery schedule was consulted on from 2 September to 14 October 2011.\n",
        None,
        "Deliver an integrated transport strategy | Head of Planning | - | on_track | \n\
         Implement an infrastructure delivery plan | Head of Planning | - | on_track | ",
    );
}

#[test]
fn a_file_name_giving_the_year_as_four_figures_dates_the_figures() {
    // The council's own file name: "… Update Quarter 1 1819".
    check(
        "Appendix 1 Key Performance Indicator Update Quarter 1 1819.txt",
        "Performance Summary\n\
         This is the quarter 1 performance update on the Council's Strategic Plan 2015-20.\n\
         Performance Indicator\tValue\tTarget\tStatus\n\
         Fly tips resulting in enforcement action (%)\t61.1%\t50%\tGreen\n",
        None,
        "|Fly tips resulting in enforcement action (%): 2018/19=/50 2018/19 Q1=61.1[green]",
    );
}

#[test]
fn codes_with_joined_prefixes_and_separators_are_codes() {
    // Scotland's benchmarking framework joins prefixes (C&L, CORP-ASSET);
    // other councils put a hyphen or slash before the number.
    check(
        "lgbf.csv",
        "Code,Indicator,Target 2022/23\n\
         C&L 01,Cost per attendance at sports facilities,3.12\n\
         CORP-ASSET 01,Proportion of operational buildings suitable for current use,84.1\n\
         KPI-07,Calls answered in 20 seconds,80%\n",
        None,
        "C&L 01|Cost per attendance at sports facilities: 2022/23=/3.12\n\
         CORP-ASSET 01|Proportion of operational buildings suitable for current use: 2022/23=/84.1\n\
         KPI-07|Calls answered in 20 seconds: 2022/23=/80",
    );
}

/// The kinds of the findings a document's reading gives.
fn finding_kinds(file_name: &str, input: &str) -> Vec<&'static str> {
    let read =
        read_document_with(file_name, input.as_bytes(), &ReadOptions::default()).expect("reads");
    read.document
        .findings
        .iter()
        .map(|f| f.kind.as_str())
        .collect()
}

#[test]
fn a_long_table_with_a_dimension_it_does_not_name_keeps_the_first_figure_and_says_so() {
    // Scotland's benchmarking data: the same indicator and year as real
    // and cash figures, told apart only by a column of types.
    let input = "Code,Period,Value,DataType\n\
                 PI01,2018-19,6306.74,Real_Annual\n\
                 PI01,2018-19,4834.50,Cash_Annual\n";
    check(
        "lgbf-long.csv",
        input,
        None,
        "PI01|Real_Annual: 2018/19=6306.74",
    );
    assert!(
        finding_kinds("lgbf-long.csv", input).contains(&"conflicting-figures"),
        "never silently written over"
    );
}

#[test]
fn two_figure_columns_in_a_long_table_keep_the_first_and_say_so() {
    // Neither heading names the value: the first is kept and the second
    // is a conflict the report names.
    let input = "Code,Indicator,Period,FG_Mean,FG_NumDenAv\n\
                 PI01,Cost per attendance,2018-19,3.93,4.35\n";
    check(
        "family.csv",
        input,
        None,
        "PI01|Cost per attendance: 2018/19=3.93",
    );
    assert!(finding_kinds("family.csv", input).contains(&"conflicting-figures"));
    // One heading names it: the other column of figures is left out, and
    // the report shows it left out, with why.
    let input = "Code,Indicator,Period,Value_FG_Mean,FG_NumDenAv\n\
                 PI01,Cost per attendance,2018-19,3.93,4.35\n";
    check(
        "family.csv",
        input,
        None,
        "PI01|Cost per attendance: 2018/19=3.93",
    );
    let read = read_document_with("family.csv", input.as_bytes(), &ReadOptions::default()).unwrap();
    let last = &read.tables[0].columns[4];
    assert_eq!(last.role, "ignore");
    assert!(
        last.why.contains("another column is named as the value"),
        "{}",
        last.why
    );
}

#[test]
fn placeholders_and_a_lone_unit_are_no_value() {
    check(
        "library-return.csv",
        "Indicator,2016-17 Outturn\n\
         Revenue Expenditure,£\n\
         Employees,1013589\n\
         Premises,n/a\n",
        None,
        "|Revenue Expenditure:\n|Employees: 2016/17=1013589\n|Premises:",
    );
}

#[test]
fn rows_of_periods_it_cannot_read_are_one_finding_not_one_a_row() {
    let input = "Code,Period,Value\n\
                 ENV07a,2010-14,0.81\n\
                 ENV07a,2011-15,0.80\n\
                 ENV07a,2019-20,0.77\n";
    check("aggregates.csv", input, None, "ENV07a|ENV07a: 2019/20=0.77");
    let unreadable: Vec<_> = finding_kinds("aggregates.csv", input)
        .into_iter()
        .filter(|k| *k == "unreadable-date")
        .collect();
    assert_eq!(unreadable.len(), 1);
}

#[test]
fn an_area_of_service_is_not_a_council_and_a_month_takes_its_year_from_a_column() {
    // A council's own contact data: "Area" groups its services, and the
    // month and year stand in two columns.
    check(
        "contact.csv",
        "Month,Year,Area,Topic,Contacts\n\
         April,2016,Oxford City Homes,Repairs to Homes,880\n\
         May,2016,Oxford City Homes,Repairs to Homes,853\n\
         April,2016,\"Benefits, Council Tax, Business Rates\",Council Tax Moves,109\n",
        None,
        "|Repairs to Homes: 2016-04=880 2016-05=853\n|Council Tax Moves: 2016-04=109",
    );
}

#[test]
fn a_row_per_period_and_a_column_per_indicator() {
    // A council's open data of one service (Trafford's prompt payment).
    check(
        "prompt_payment.csv",
        "period,proportion_paid_on_time,interest_paid\n\
         2021/22,0.96,120\n\
         2022/23,0.97,85\n\
         total,,205\n",
        None,
        "|Proportion paid on time: 2021/22=0.96 2022/23=0.97\n\
         |Interest paid: 2021/22=120 2022/23=85",
    );
    // Monthly, the month written as ISO does (a KPI return to Leeds).
    check(
        "media_coverage.csv",
        "Month,count,cumulativeReach\n2021-08,12,1500\n2021-09,9,2100\n",
        None,
        "|Count: 2021-08=12 2021-09=9\n|Cumulative reach: 2021-08=1500 2021-09=2100",
    );
}

#[test]
fn programmers_headings_read_as_words() {
    // A tracker exported from an app: camelCase and snake_case headings.
    check(
        "actions.csv",
        "id,actionName,status,owner,lastUpdated\n\
         BA-001,Retrofit council housing,In progress,Housing Services,2024-05-01\n\
         BA-002,Electrify the fleet,Not started,Fleet Manager,2024-04-12\n",
        None,
        "Retrofit council housing | Housing Services | - | on_track | \n\
         Electrify the fleet | Fleet Manager | - | not_started | ",
    );
}

#[test]
fn years_not_yet_begun_are_targets_and_qualified_years_are_values() {
    // A corporate plan's KPI annex: a baseline, then a target a year,
    // headed as a programmer writes them.
    check(
        "kpis.csv",
        "id,kpi_name,unit,baseline,y1_2089_90,y2_2090_91\n\
         kpa1-001,Revenue collected on time,percent,81%,85%,88%\n",
        None,
        "|Revenue collected on time: 2089/90=/85 2090/91=/88",
    );
    // A year qualified by the figure's standing ("Estimates", "Raw data").
    check(
        "estimates.txt",
        "Indicator\t2016-17 Actuals\t2017-18 Estimates\n\
         Library visits per 1,000\t4100\t4250\n",
        None,
        "|Library visits per 1,000: 2016/17=4100 2017/18=4250",
    );
}

#[test]
fn the_indicator_column_names_the_rows_not_the_measure_beside_it() {
    // Trafford's corporate plan data: "measure" holds the kind of figure.
    check(
        "household_waste_recycling.csv",
        "area_code,area_name,period,indicator,measure,unit,value\n\
         E08000009,Trafford,2021/22,\"Household waste sent for reuse, recycling or composting\",Percentage,Percentage,56.4\n\
         E08000006,Salford,2021/22,\"Household waste sent for reuse, recycling or composting\",Percentage,Percentage,38.2\n\
         E08000009,Trafford,2020/21,\"Household waste sent for reuse, recycling or composting\",Percentage,Percentage,57.9\n",
        Some("Trafford"),
        "|Household waste sent for reuse, recycling or composting: 2020/21=57.9 2021/22=56.4",
    );
}

#[test]
fn a_wide_comparison_with_a_measure_named_at_length() {
    // The LGBF's full "Raw Data" sheet: 2,188 headings, a few of them over
    // a hundred characters.
    let long = "Total Number of Unemployed people assisted into work from council \
                funded-operated employability programmes";
    let years = [
        "2014-15", "2015-16", "2016-17", "2017-18", "2018-19", "2019-20",
    ];
    let mut headings = vec!["Local Authority".to_string()];
    let (mut ours, mut theirs) = (vec!["Stirling".to_string()], vec!["Angus".to_string()]);
    for (n, code) in ["CHN1", "CHN2", "CORP1"].iter().enumerate() {
        for (y, year) in years.iter().enumerate() {
            headings.push(format!("{code} {year}"));
            ours.push(format!("{}", 100 * (n + 1) + y));
            theirs.push("1".into());
        }
    }
    headings.push(format!("{long} 2019-20"));
    ours.push("42".into());
    theirs.push("7".into());
    let input = [headings, ours, theirs]
        .map(|row| row.join("\t"))
        .join("\n");
    let read = read_document_with(
        "raw.txt",
        input.as_bytes(),
        &ReadOptions {
            area: Some("Stirling".into()),
            ..ReadOptions::default()
        },
    )
    .expect("reads");
    let got = reading(&read.document);
    assert!(
        got.contains(
            "CHN2|CHN2: 2014/15=200 2015/16=201 2016/17=202 2017/18=203 2018/19=204 2019/20=205"
        ),
        "{got}"
    );
    assert!(got.contains(&format!("|{long}: 2019/20=42")), "{got}");
    assert_eq!(got.lines().count(), 4, "{got}");
}

#[test]
fn a_long_tables_named_value_column_is_its_only_figure() {
    // Scotland's community planning outcomes: FG is a family group's number.
    check(
        "CPPcleandata.csv",
        "CPP,Indicator,Type,Year,value,FG\n\
         Stirling,Healthy Birthweight,Raw data,2006/07,90.05,2\n\
         Angus,Healthy Birthweight,Raw data,2006/07,89.54,1\n\
         Stirling,Healthy Birthweight,Raw data,2007/08,90.13,2\n",
        Some("Stirling"),
        "|Healthy Birthweight: 2006/07=90.05 2007/08=90.13",
    );
}

#[test]
fn councils_named_under_a_blank_heading_are_a_comparison_not_indicators() {
    // One of the CPOP's sheets: a blank heading over Scotland's councils.
    let input = "\tS4 Tariff Score 2019/20\tS4 Tariff Score 2020/21\n\
                 Aberdeen City\t812\t830\n\
                 Argyll & Bute\t790\t801\n\
                 Stirling\t845\t851\n";
    check("tariff.txt", input, None, "");
    check(
        "tariff.txt",
        input,
        Some("Stirling"),
        "|S4 Tariff Score: 2019/20=845 2020/21=851",
    );
}

#[test]
fn a_sheet_of_one_measure_with_its_kinds_of_figure_in_the_headings() {
    // The CPOP's sheets: `<measure>_<kind of figure>_<year>`.
    check(
        "cpop.txt",
        "\tTariff_Raw data_2012/13\tTariff_Raw data_2013/14\tTariff_Imputed_2014/15\n\
         Stirling\t845\t851\t860\n\
         Angus\t790\t801\t805\n",
        Some("Stirling"),
        "|Tariff: 2012/13=845 2013/14=851\n|Tariff Imputed: 2014/15=860",
    );
}

#[test]
fn a_tracker_with_its_day_of_update_and_how_far_each_action_has_got() {
    // As a project tracker exports it: a cost beside each action does not
    // make it a table of indicators.
    let input = "id,actionName,owner,investmentUSD,percentComplete,status,lastUpdated\n\
                 BA-001,Retrofit council housing,Housing Services,2500000,40,In progress,2024-05-01\n\
                 BA-002,Electrify the fleet,Fleet Manager,900000,0,Not started,2024-04-12\n\
                 BA-003,LED street lighting,Highways Manager,300000,100,,2024-03-28\n";
    check(
        "actions.csv",
        input,
        None,
        "Retrofit council housing | Housing Services | - | on_track | \n\
         Electrify the fleet | Fleet Manager | - | not_started | \n\
         LED street lighting | Highways Manager | - | achieved | ",
    );
    let read =
        read_document_with("actions.csv", input.as_bytes(), &ReadOptions::default()).unwrap();
    let updates: Vec<(String, Option<u8>)> = read.document.plans[0]
        .actions
        .iter()
        .flat_map(|a| &a.updates)
        .map(|u| (u.as_at.to_string(), u.percent_complete))
        .collect();
    assert_eq!(
        updates,
        [
            ("2024-05-01".to_string(), Some(40)),
            ("2024-04-12".to_string(), Some(0)),
            ("2024-03-28".to_string(), Some(100)),
        ]
    );
}

#[test]
fn a_trackers_progress_in_percent_and_its_day_of_update_in_figures() {
    check(
        "tracker.csv",
        "Project,Owner,Budget,Progress %,Date of update,Notes\n\
         Retrofit homes,Head of Housing,250000,40,01/05/2024,On track.\n\
         New depot,Head of Waste,900000,100,12/04/2024,Completed.\n\
         Depot roof,Head of Waste,40000,0,12/04/2024,\n",
        None,
        "Retrofit homes | Head of Housing | - | on_track | \n\
         New depot | Head of Waste | - | achieved | \n\
         Depot roof | Head of Waste | - | not_started | ",
    );
}

#[test]
fn a_years_figures_are_targets_when_it_begins_after_the_documents_period() {
    // A 2013/14 report: 2014/15 had not begun when it was written, however
    // long ago that is now; 2012/13 had ended.
    check(
        "pis.txt",
        "Performance indicators 2013/14\n\
         Indicator\t2012/13\t2014/15\n\
         Calls answered (%)\t91\t95\n",
        None,
        "|Calls answered (%): 2012/13=91 2014/15=/95",
    );
}

#[test]
fn a_column_that_splits_a_long_tables_figures_into_series() {
    // The LGBF's long files: a real and a cash figure for each indicator
    // and year, told apart only by DataType.
    let input = "Code,Indicator,Year,DataType,Value\n\
                 CHN1,Cost per primary pupil,2019-20,Real,5100\n\
                 CHN1,Cost per primary pupil,2019-20,Cash,4900\n\
                 CHN1,Cost per primary pupil,2020-21,Real,5200\n\
                 CHN1,Cost per primary pupil,2020-21,Cash,5150\n";
    check(
        "lgbf.csv",
        input,
        None,
        "CHN1|Cost per primary pupil: 2019/20=5100 2020/21=5200\n\
         |Cost per primary pupil Cash: 2019/20=4900 2020/21=5150",
    );
    // No figure is left out; the split is said, once.
    let read = read_document_with("lgbf.csv", input.as_bytes(), &ReadOptions::default()).unwrap();
    let notes: Vec<(goldthread_domain::Severity, &str)> = read
        .document
        .findings
        .iter()
        .filter(|f| f.kind == goldthread_domain::FindingKind::ConflictingFigures)
        .map(|f| (f.severity, f.message.as_str()))
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].0, goldthread_domain::Severity::Info);
    assert!(
        notes[0]
            .1
            .contains("column 'DataType' splits the figures into series")
    );
}
