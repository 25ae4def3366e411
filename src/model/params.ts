// Every model parameter with its default, unit, plausible range and source.
// Reference keys resolve in docs/references.md; docs/parameters.md is generated from this table
// (`migsim params --format markdown`), and a test fails when it is stale.

export type SourceKind = "data" | "derived" | "calibrated" | "assumption";

export interface ParamSource {
  kind: SourceKind;
  /** Key in docs/references.md. */
  ref: string;
  /** Where in the source, or the conversion / reason. */
  note: string;
}

export interface NumberParamSpec {
  default: number;
  unit: string;
  range: readonly [number, number];
  /** Must be a whole number. */
  integer?: boolean;
  description: string;
  source: ParamSource;
}

export interface BooleanParamSpec {
  default: boolean;
  unit: "flag";
  description: string;
  source: ParamSource;
}

export type ParamSpec = NumberParamSpec | BooleanParamSpec;

const A = (note: string, ref = "assumption"): ParamSource => ({ kind: "assumption", ref, note });

/** The source of the four TI-2 continuation shifts (ti2ContinuationLogOdds*). */
const TI2_CONTINUATION_NOTE =
  "e-Stat 在留外国人統計 table 01, TI-1 and TI-2 holders by nationality at the ends of 2012-2016 (observed/ti_by_nationality_2013_2016.csv): the TI-2 holders at a year end over the TI-1 holders at the two year ends before (2015 and 2016: CN 0.657 and 0.652, VN 0.860 and 0.855, ID 0.874 and 0.858, PH 0.789 and 0.792, the rest with Thailand 0.619 and 0.615, all 0.724 and 0.744), against the model's with 0.85 for all (CN 0.774, VN 0.765, ID 0.788, OTHER 0.764, mean of the two years). The step: the nationality's chance 0.85 scaled by e-Stat's ratio over the model's, as a shift of the log odds, rounded (VN 1.28, CN -0.80, OTHER -0.95; ID's 1.0 came from the 2014-2016 mean, 0.869, where the rule with 2015-2016 gives 0.93: 0.004 in the chance). scripts/ti-survival.mjs shows the model's ratio at the defaults (docs/calibration.md). Not in the joint calibration, whose targets have no stocks by stage and nationality";

export const PARAMS = {
  // ---- Policy switches (set over time by a scenario's `policy` timeline) ----
  ti3Available: {
    default: false, unit: "flag",
    description: "TI-3 (years 4-5) open to interns of good organisations",
    source: { kind: "data", ref: "rules", note: "TI-3 since 2017-11 (Technical Intern Training Act); baseline timeline switches it on" },
  },
  sswAvailable: {
    default: false, unit: "flag",
    description: "Specified Skilled Worker (i) status exists (TI->SSW1 transfers and SSW1 entries from abroad)",
    source: { kind: "data", ref: "rules", note: "SSW created 2019-04; baseline timeline switches it on" },
  },
  ssw2AllSectors: {
    default: false, unit: "flag",
    description: "SSW2 open in every sector (before: construction only in the model)",
    source: { kind: "data", ref: "rules", note: "2 fields until 2023, 11 from 2023-06; shipbuilding, the other early field, is folded into manufacturing and left closed (assumption: small)" },
  },
  esdActive: {
    default: false, unit: "flag",
    description: "Employment for Skill Development replaces TITP for new interns: 3-year training, own-will employer change after 1-2 years",
    source: { kind: "data", ref: "rules", note: "law of June 2024, in force 2027-04-01" },
  },
  myanmarDesignatedActivities: {
    default: false, unit: "flag",
    description: "Myanmar nationals may stay on 'designated activities' with work (Japan's emergency measure after the 2021 coup): Myanmar interns abscond more (abscondMyanmarLogHr)",
    source: { kind: "data", ref: "survey:absconding", note: "from 2021-05-28 (Japan Times/Kyodo); 15,172 grants by Dec 2023; baseline timeline switches it on" },
  },
  titpGrievanceTransfer: {
    default: false, unit: "flag",
    description: "A TITP intern whose employer underpays may ask for an 'unavoidable' transfer instead of absconding (legalTransferLogOdds); before, only the rare unavoidable transfers of tiUnavoidableTransferHazardPerMonth",
    source: { kind: "data", ref: "rules", note: "guideline of November 2024 easing transfers for interns facing violations; baseline timeline switches it on" },
  },
  pandemicSpecialStay: {
    default: false, unit: "flag",
    description: "COVID-19 special measure: an intern dismissed or unable to go on with the training may change to 'designated activities' with work (up to a year, in an SSW field) instead of absconding (pandemicSpecialStayOpenShare, legalTransferLogOdds)",
    source: { kind: "data", ref: "rules", note: "ISA measure from 2020-04 (moj.go.jp/isa/nyuukokukanri14_00008.html, as quoted by tech-intern-hikaku.site/miyagi/?p=633 and ma-cosmos.com/2020/06/05/2020060403); from 2020-04-20 for interns dismissed or unable to go on; ISA announced its end on 2022-05-31 (moj.go.jp/isa/nyuukokukanri01_00155.html); baseline timeline switches it on for 2020-04 to 2022-05" },
  },
  pandemicTi3HomeLeaveWaived: {
    default: false, unit: "flag",
    description: "COVID-19 measure: TI-3 may start without the month at home it requires (interns could not travel), so finishing TI-2 interns go on to TI-3 with pandemicTi3UptakeProb instead of ti3UptakeProb",
    source: { kind: "data", ref: "rules", note: "ISA, 新型コロナウイルス感染症の感染拡大等を受けた技能実習生の在留諸申請の取扱い (moj.go.jp/isa/nyuukokukanri07_00026.html: items 3 and 6); for TI-3 started by 2022-08-31 (pasia.jp/2022/11/18/001-32/); baseline timeline switches it on for 2020-04 to 2022-08" },
  },
  asylumWorkPermitted: {
    default: true, unit: "flag",
    description: "Refugee applicants may work 6 months after applying, which makes an application after absconding attractive",
    source: { kind: "data", ref: "rules", note: "2010-03 to 2018-01; seed 003 (Chhour): refugee applications among reasons to abscond" },
  },
  familyAccompanimentSsw1: {
    default: false, unit: "flag",
    description: "SSW1 holders may bring partner and children",
    source: { kind: "data", ref: "rules", note: "SSW(i): no family accompaniment; the family-accompaniment scenario switches it on" },
  },
  feeCapEnforced: {
    default: false, unit: "flag",
    description: "Recruitment fees above feeCapYen are not charged (Vietnam Law 69/2020 actually enforced)",
    source: { kind: "data", ref: "rules", note: "Law 69/2020 in force 2022-01; surveys find fees far above it, so it is off in the baseline" },
  },

  // ---- Recruitment, debt and money ----
  feeShareBorneByWorker: {
    default: 1, unit: "share", range: [0, 1],
    description: "Share of the observed recruitment fee (and so the debt) paid by the intern; 0 = employer pays",
    source: { kind: "data", ref: "data:recruitment_costs", note: "ISA survey 2022: interns pay the fees shown; ILO 'employer pays' scenario lowers it" },
  },
  feeCapYen: {
    default: 370800, unit: "yen", range: [0, 2000000],
    description: "Legal cap on the fee for a 3-year TI contract, used when feeCapEnforced",
    source: { kind: "derived", ref: "data:other_figures", note: "USD 3,600 cap per 3-year contract (AERA 2019) x 103 JPY/USD (exchange_rates.csv, 2021-01)" },
  },
  debtCv: {
    default: 0.5, unit: "ratio", range: [0, 1.5],
    description: "Coefficient of variation of an indebted entrant's debt around the nationality mean (lognormal)",
    source: A("no distribution published; 0.5 keeps most debts within a factor of 2 of the mean"),
  },
  livingCostYenPerMonth: {
    default: 70000, unit: "yen/month", range: [40000, 120000],
    description: "Housing and utilities (usually deducted by the employer) and food, paid out of net pay before repayment and saving",
    source: { kind: "assumption", ref: "survey:absconding", note: "dormitory and utilities 20,000-40,000 yen (OTIT guidance as read by practitioners; union and press cases), food the rest; not measured" },
  },
  payrollDeductionShare: {
    default: 0.17, unit: "share of gross pay", range: [0.1, 0.25],
    description: "Social insurance and income tax withheld from legal pay (not from undocumented work)",
    source: { kind: "derived", ref: "survey:absconding", note: "employee social insurance about 15% of gross (pension 9.15%, health about 5%, employment 0.5%) plus about 2% income tax; a worked case: 158,400 gross -> about 120,000 net after these and housing" },
  },
  debtInterestPerMonth: {
    default: 0.005, unit: "1/month", range: [0, 0.02],
    description: "Interest on the recruitment debt, charged monthly on what is owed in the home currency",
    source: { kind: "data", ref: "survey:absconding", note: "Vietnam's policy bank lends for labour migration at 0.5% a month; agency and informal loans cost more (over 10% a year in interviews), hence the range" },
  },
  predepartureWaitMonths: {
    default: 6, unit: "months", range: [3, 10], integer: true,
    description: "Months between borrowing for the fees and starting work in Japan (interest accrues, nothing is repaid)",
    source: { kind: "data", ref: "survey:absconding", note: "about 6 months from interview to entry in most sending organisations' accounts (3-10)" },
  },
  debtRepaymentShare: {
    default: 0.8, unit: "share", range: [0.3, 1],
    description: "Share of monthly surplus (wage minus living cost) put to the recruitment debt while any remains",
    source: A("debts are repaid first (seed 003: repayment pressure); not measured"),
  },
  remittanceShare: {
    default: 0.6, unit: "share", range: [0.2, 0.9],
    description: "Share of the surplus left after repayment that is remitted; the rest is saved",
    source: { kind: "derived", ref: "data:other_figures", note: "MHLW 2024: remitters send 1,043,000 yen/year = 86,900/month, about 0.6 of a TI surplus of ~140,000" },
  },
  savingsTargetYen: {
    default: 2369000, unit: "yen", range: [1000000, 5000000],
    description: "The savings goal of a target earner, held in the home currency (home yen at the 2017-2021 rate): reached, the return hazard rises; unreachable in the legal stay, absconding rises",
    source: { kind: "derived", ref: "data:other_figures", note: "VEPR 2017 expected savings USD 23,000 x 103 JPY/USD (exchange_rates.csv 2021-01)" },
  },

  studentStudyMonths: {
    default: 36, unit: "months", range: [12, 60], integer: true,
    description: "Months an international student has lived in Japan when changing status to SIE (counts towards the residency rules)",
    source: A("a mix of 2-year vocational courses and 4-year degrees, with Japanese-language school before; not measured"),
  },

  // ---- Wages (yen per month at 2023 prices; moved over time by the wage index) ----
  tiWageYenPerMonth: {
    default: 181700, unit: "yen/month", range: [120000, 250000],
    description: "Contract (scheduled) monthly pay of a technical intern",
    source: { kind: "data", ref: "data:wages", note: "Wage Structure Survey 2023, TI scheduled pay (JILPT 2024/06)" },
  },
  ssw1WageYenPerMonth: {
    default: 198000, unit: "yen/month", range: [150000, 280000],
    description: "Contract monthly pay of an SSW holder",
    source: { kind: "data", ref: "data:wages", note: "Wage Structure Survey 2023, SSW scheduled pay (JILPT 2024/06)" },
  },
  sieWageYenPerMonth: {
    default: 296700, unit: "yen/month", range: [200000, 450000],
    description: "Contract monthly pay of an SIE (professional statuses)",
    source: { kind: "data", ref: "data:wages", note: "Wage Structure Survey 2023, professional statuses other than SSW" },
  },
  irregularWageYenPerMonth: {
    default: 190000, unit: "yen/month", range: [120000, 260000],
    description: "Pay in undocumented work (IRREGULAR, ASYLUM), and in the work open on designated activities (DESIGNATED, before deductions)",
    source: A("no data; seed 003 (Sano) says absconders seek to earn more, so set a little above TI pay"),
  },
  overtimePremiumShare: {
    default: 0.123, unit: "share", range: [0, 0.3],
    description: "Extra pay from overtime at employers who offer it, as a share of contract pay",
    source: { kind: "derived", ref: "data:wages", note: "TI 2023: total cash 204,100 / scheduled 181,700 - 1" },
  },
  jobChangeWageGainShare: {
    default: 0.05, unit: "share", range: [0, 0.2],
    description: "Pay rise on a voluntary job change before the career plateau",
    source: A("seed 000: job changes driven by labour demand bring mobility until a plateau; size not measured"),
  },
  sameStatusWageSpreadCv: {
    default: 0.1, unit: "ratio", range: [0, 0.3],
    description: "Spread of an employer's wage level around the status mean",
    source: A("wage level varies by employer; not measured"),
  },

  // ---- Employers (seed 001: SMEs recognise, cultivate or deny foreign workers' skills) ----
  workersPerEmployer: {
    default: 6, unit: "workers", range: [2, 30],
    description: "Foreign workers per employer, which sets the number of employer agents (and so how many ESD trainees an employer has, which ESD's transferee caps count)",
    source: A("implementing organisations are mostly small; sets how finely employers are drawn, and, from 2027-04, how often ESD's transferee caps (1/3, 1/6 of an employer's trainees) bind: a sensitivity candidate for the ESD scenarios"),
  },
  smeShare: {
    default: 0.9, unit: "share", range: [0.5, 1],
    description: "Share of employers that are SMEs",
    source: A("seed 001: TIs and SIEs mostly work in SMEs"),
  },
  ruralShare: {
    default: 0.5, unit: "share", range: [0.2, 0.8],
    description: "Share of employers outside the big metropolitan areas",
    source: A("seed 003 (local policies): interns concentrate in industry-dependent rural towns"),
  },
  underpayingEmployerShare: {
    default: 0.2, unit: "share", range: [0, 0.6],
    description: "Share of employers who pay less than the contract promised, in 2014; the series underpayingEmployerIndex scales it year by year",
    source: A("seed 003 (Chhour, Saito): failure to honour contracts and low pay drive absconding; prevalence not measured (MHLW's inspections found wage-payment violations, LSA art. 24, at 12.4% of the intern employers they inspected in 2014, and unpaid overtime premiums, art. 37, at 17.8%, but inspections target suspected firms; observed/labour_inspections.csv)"),
  },
  underpayShare: {
    default: 0.15, unit: "share", range: [0.05, 0.4],
    description: "Pay shortfall against the contract at underpaying employers",
    source: A("seed 003: low salary; ISA promised 149,146 vs paid wages suggests shortfalls of this order"),
  },
  overtimeOfferedShare: {
    default: 0.7, unit: "share", range: [0.3, 1],
    description: "Share of employers offering overtime",
    source: A("seed 003 (Chhour): 'no overtime work' is a reason to abscond, so some employers offer none"),
  },
  promoterShareSme: {
    default: 0.1, unit: "share", range: [0, 0.5],
    description: "Share of SMEs that actively promote finishing interns (sponsor SSW1, full-time posts)",
    source: { kind: "assumption", ref: "seed001", note: "'a few number of SMEs in Japan are promoting graduated technical interns'" },
  },
  promoterShareLarge: {
    default: 0.3, unit: "share", range: [0, 0.8],
    description: "Share of large firms that actively promote finishing interns",
    source: A("larger firms have HR routes to SSW; not measured"),
  },
  promoterSponsorProb: {
    default: 0.4938, unit: "probability", range: [0, 1],
    description: "Chance a promoting employer sponsors a finishing intern into SSW1",
    source: { kind: "calibrated", ref: "seed001", note: "promoting SMEs offer SSW visas to graduated interns (seed 001); fitted jointly: the ABC calibration of commit cab9219 (22 parameters), then migsim refine with the pandemic mechanisms to every target through 2023 (docs/calibration.md, 18 terms refined)" },
  },
  otherSponsorProb: {
    default: 0.4111, unit: "probability", range: [0, 0.6],
    description: "Chance another employer sponsors a finishing intern into SSW1",
    source: { kind: "calibrated", ref: "data:ssw_stock", note: "fitted jointly: the ABC calibration of commit cab9219 (22 parameters), then migsim refine with the pandemic mechanisms to every target through 2023 (docs/calibration.md, 18 terms refined); chiefly the SSW1 stock (ssw_stock.csv)" },
  },
  sswUptakeRampMonths: {
    default: 30.23, unit: "months", range: [1, 60],
    description: "Months after SSW opens over which sponsorship rises from sswUptakeInitialShare to the full promoterSponsorProb / otherSponsorProb",
    source: { kind: "calibrated", ref: "data:ssw_stock", note: "uptake started slowly while bilateral agreements and tests were set up (the Memorandum of Cooperation with Vietnam was signed only in July 2019, seed 002); fitted by the joint ABC calibration of commit cab9219 (22 parameters, without the residual origin terms), kept when the absconding terms were refined to every target through 2023 (docs/calibration.md)" },
  },
  sswUptakeRampShape: {
    default: 1.835, unit: "exponent", range: [1, 4],
    description: "Shape of the uptake ramp: sponsorship is the full level x (s + (1 - s) x min(1, m / sswUptakeRampMonths)^shape), with s = sswUptakeInitialShare and m the months of SSW so far (1 = linear; higher = slower start)",
    source: { kind: "calibrated", ref: "data:ssw_stock", note: "219 SSW1 holders six months after the status opened, 49,666 after 33 months (ssw_stock.csv): a slow start; fitted with sswUptakeRampMonths by the joint ABC calibration of commit cab9219 (docs/calibration.md)" },
  },
  sswUptakeInitialShare: {
    default: 0.01502, unit: "share", range: [0, 0.3],
    description: "Share of the full sponsorship level (promoterSponsorProb / otherSponsorProb) reached as soon as SSW opens; the uptake ramp adds the rest over sswUptakeRampMonths",
    source: { kind: "calibrated", ref: "data:ssw_stock", note: "some employers sponsored their interns from the start (seed 001: promoting SMEs), but their changes of status waited for the procedures (sswProcessingStartMonths): the step from 219 SSW1 holders at 2019-09 to 1,621 at 2019-12 (ssw_stock.csv) needs a backlog that the ramp alone does not build; fitted by the joint ABC calibration of commit cab9219 (22 parameters, without the residual origin terms), kept when the absconding terms were refined to every target through 2023 (docs/calibration.md)" },
  },
  sswProcessingStartMonths: {
    default: 6.373, unit: "months", range: [0, 12],
    description: "Months after SSW opens before interns' changes of status to SSW1 are processed in number: processing starts in the first month whose count of SSW months (the opening month is 1) exceeds this, so only whole months matter; an intern sponsored before then keeps working for the employer, waiting (TI stage 4), and moves when processing starts (or earlier with sswEarlyProcessingProbPerMonth)",
    source: { kind: "calibrated", ref: "data:ssw_stock", note: "219 SSW1 holders at 2019-09, 1,621 at 2019-12 (ssw_stock.csv): about 20 transfers a month to September 2019, about 450 a month after, a step no smooth uptake makes; the procedures were still being set up (the Memorandum of Cooperation with Vietnam was signed only in July 2019, seed 002); fitted by the joint ABC calibration of commit cab9219 (22 parameters, without the residual origin terms), kept when the absconding terms were refined to every target through 2023 (docs/calibration.md)" },
  },
  sswEarlyProcessingProbPerMonth: {
    default: 0.1522, unit: "probability per month", range: [0, 0.5],
    description: "Monthly chance that a waiting sponsored intern's change of status to SSW1 is granted before sswProcessingStartMonths",
    source: { kind: "calibrated", ref: "data:ssw_stock", note: "the few transfers before the step (219 SSW1 holders at 2019-09, under 10% of them from the test route: ssw_stock.csv); fitted jointly: the ABC calibration of commit cab9219 (22 parameters), then migsim refine with the pandemic mechanisms to every target through 2023 (docs/calibration.md, 18 terms refined)" },
  },
  ssw1StockCapOn: {
    default: true, unit: "flag",
    description: "The government's cap on SSW (i) holders (series ssw1StockCap) is enforced: while the SSW1 stock is at the cap, no intern is sponsored and no test-route entrant arrives",
    source: { kind: "data", ref: "rules", note: "SSW caps 345,150 for FY2019-23 and 820,000 for FY2024-28 (data/rules.md); a scenario can lift them" },
  },
  cultivationSkillMultiplier: {
    default: 2, unit: "ratio", range: [1, 4],
    description: "Skill growth at a promoting employer relative to others",
    source: { kind: "assumption", ref: "seed001", note: "SMEs 'recognizing, cultivating, ascribing and limiting/denying skills'" },
  },

  localSubsidyYenPerInternYear: {
    default: 0, unit: "yen/intern/year", range: [0, 1000000],
    description: "Additional municipal subsidy to rural SMEs per intern employed",
    source: { kind: "assumption", ref: "seed003", note: "a scenario setting: Tokyo and Hokkaido towns pay 100,000-350,000 yen per intern per year (seed 003); 0 in the baseline, whose observed inflows already include today's subsidies" },
  },
  subsidyDemandElasticity: {
    default: 1, unit: "elasticity", range: [0, 3],
    description: "Extra intern demand of rural SMEs per unit of subsidy as a share of an intern's annual contract pay",
    source: { kind: "assumption", ref: "seed003", note: "localities frame subsidies as measures to hire interns and arrest decline; the size of the response is not measured" },
  },

  // ---- Skills, language, networks, family ----
  skillGrowthPerYear: {
    default: 0.1, unit: "1/year", range: [0, 0.3],
    description: "Gain in skill (0-1 scale) per year of work in Japan",
    source: A("skill is an index; its level scales the SSW1 -> SSW2 hazard (ssw2SkillReference)"),
  },
  monthsPerJapaneseLevel: {
    default: 18, unit: "months", range: [6, 48], integer: true,
    description: "Months of stay per JLPT level gained",
    source: A("common pace of N5 -> N4 -> N3 for working learners; not measured"),
  },
  brokerTieProb: {
    default: 0.15, unit: "probability", range: [0, 0.5],
    description: "Chance an intern is in touch with a broker who places absconders",
    source: { kind: "assumption", ref: "seed003", note: "Chhour: brokers among the factors of escape; prevalence not measured" },
  },
  networkTiesPerYear: {
    default: 2, unit: "ties/year", range: [0, 6],
    description: "Co-national contacts gained per year in Japan (capped at 20)",
    source: { kind: "assumption", ref: "seed000", note: "social factors shape staying; rate not measured" },
  },
  partnerAtEntryProb: {
    default: 0.2, unit: "probability", range: [0, 0.6],
    description: "Chance an entrant has a partner (at origin)",
    source: A("entrants are young (TI mean age 26.2 in 2023, wages.csv); not measured"),
  },
  childrenGivenPartnerProb: {
    default: 0.5, unit: "probability", range: [0, 1],
    description: "Chance an entrant with a partner also has children",
    source: A("not measured"),
  },
  partnerFormationHazardPerMonth: {
    default: 0.004, unit: "1/month", range: [0, 0.02],
    description: "Monthly chance a single agent forms a partnership",
    source: A("about 5% a year at ages 25-35; not measured for migrants"),
  },
  familyJoinHazardPerMonth: {
    default: 0.03, unit: "1/month", range: [0, 0.2],
    description: "Monthly chance family at origin joins an agent whose status allows accompaniment",
    source: A("family reunion takes about 3 years on average once allowed; not measured"),
  },

  // ---- Entrants ----
  tiEntryAgeYears: {
    default: 24.5, unit: "years", range: [18, 35],
    description: "Mean age of a new technical intern",
    source: { kind: "derived", ref: "data:wages", note: "TI mean age 26.2 with mean tenure 1.7 years (JILPT 2024/06): 26.2 - 1.7" },
  },
  ssw1EntryAgeYears: {
    default: 26.5, unit: "years", range: [18, 40],
    description: "Mean age of an SSW1 entrant from abroad",
    source: { kind: "derived", ref: "data:wages", note: "SSW mean age 28.9 with tenure 2.4 (JILPT 2024/06)" },
  },
  sieEntryAgeYears: {
    default: 27, unit: "years", range: [21, 40],
    description: "Mean age of a new SIE",
    source: A("graduates hired a few years after university; not in the data"),
  },
  entryAgeSdYears: {
    default: 3, unit: "years", range: [1, 8],
    description: "Standard deviation of entry ages",
    source: A("not in the data"),
  },
  entrySkillTi: {
    default: 0.1, unit: "index 0-1", range: [0, 0.5],
    description: "Skill of a new intern",
    source: { kind: "assumption", ref: "seed001", note: "interns are 'regarded as low-skilled'; the index is relative" },
  },
  entrySkillSsw1: {
    default: 0.4, unit: "index 0-1", range: [0, 1],
    description: "Skill of an SSW1 entrant from abroad (has passed the skills test)",
    source: A("passed the SSW skills test: equal to a completed intern"),
  },
  entrySkillSie: {
    default: 0.6, unit: "index 0-1", range: [0, 1],
    description: "Skill of a new SIE",
    source: { kind: "assumption", ref: "seed001", note: "SIEs are 'often skilled, well-educated'" },
  },
  ssw2SkillReference: {
    default: 0.5, unit: "index 0-1", range: [0.1, 1],
    description: "Skill at which the SSW2 hazard equals ssw2HazardPerMonth (it scales with skill / reference)",
    source: A("normalisation of the skill index"),
  },

  // ---- Technical interns ----
  ti2ContinuationProb: {
    default: 0.85, unit: "probability", range: [0.5, 1],
    description: "Chance an intern goes on from TI-1 to TI-2 (some job types are TI-1 only), before its nationality's shift of the log odds (ti2ContinuationLogOdds*; Filipino, Myanmar and Cambodian interns have none; at 1 the shifts have no effect)",
    source: A("OTIT stage transition counts are not in the data; at 0.85 the model gives Filipino interns the TI-2 survival e-Stat's stocks show (0.78-0.79 against 0.789 and 0.792: scripts/ti-survival.mjs), which was not fitted"),
  },
  ti2ContinuationLogOddsVN: {
    default: 1.3, unit: "log odds", range: [-3, 3],
    description: "Shift of the log odds of ti2ContinuationProb for Vietnamese interns",
    source: { kind: "derived", ref: "data:ti_stock", note: TI2_CONTINUATION_NOTE },
  },
  ti2ContinuationLogOddsCN: {
    default: -0.8, unit: "log odds", range: [-3, 3],
    description: "Shift of the log odds of ti2ContinuationProb for Chinese interns",
    source: { kind: "derived", ref: "data:ti_stock", note: TI2_CONTINUATION_NOTE },
  },
  ti2ContinuationLogOddsID: {
    default: 1.0, unit: "log odds", range: [-3, 3],
    description: "Shift of the log odds of ti2ContinuationProb for Indonesian interns",
    source: { kind: "derived", ref: "data:ti_stock", note: TI2_CONTINUATION_NOTE },
  },
  ti2ContinuationLogOddsOTHER: {
    default: -0.95, unit: "log odds", range: [-3, 3],
    description: "Shift of the log odds of ti2ContinuationProb for other (not VN, CN, ID, PH, MM, KH) interns",
    source: { kind: "derived", ref: "data:ti_stock", note: TI2_CONTINUATION_NOTE },
  },
  ti3UptakeProb: {
    default: 0.09777, unit: "probability", range: [0, 0.6],
    description: "Chance a finishing TI-2 intern goes on to TI-3 when it exists",
    source: { kind: "calibrated", ref: "data:ti_stage_stock", note: "TI-3 only for good organisations (rules); fitted with the other terms to every target through 2023, chiefly the TI-3 interns at the end of 2018 (7,178, observed/ti_stage_stock.csv; docs/calibration.md)" },
  },
  pandemicTi3UptakeProb: {
    default: 0.7173, unit: "probability", range: [0, 0.9],
    description: "Chance a finishing TI-2 intern not sponsored into SSW1 goes on to TI-3 while pandemicTi3HomeLeaveWaived holds (instead of ti3UptakeProb)",
    source: { kind: "calibrated", ref: "data:ti_stage_stock", note: "TI-3 interns rose from 7,178 (2018-12) to 75,561 (2022-12; observed/ti_stage_stock.csv) while the borders were closed; fitted to the ti3_stock targets with the other terms (docs/calibration.md)" },
  },
  tiEarlyReturnHazardPerMonth: {
    default: 0.003132, unit: "1/month", range: [0, 0.01],
    description: "Monthly hazard that an intern goes home before completion (illness, dismissal, forced return)",
    source: { kind: "calibrated", ref: "data:ti_stock", note: "not measured directly; fitted jointly: ABC, then migsim refine from the previous best fit to every target through 2023 (docs/calibration.md)" },
  },
  tiUnavoidableTransferHazardPerMonth: {
    default: 0.0005, unit: "1/month", range: [0, 0.01],
    description: "Monthly hazard of an 'unavoidable' employer transfer under TITP, for interns whose employer breaks the contract (underpays)",
    source: { kind: "assumption", ref: "rules", note: "rarely granted until the Nov 2024 guideline (baseline timeline raises it)" },
  },
  abscondBaseHazardPerMonth: {
    default: 0.0007532, unit: "1/month", range: [0.0002, 0.01],
    description: "Absconding hazard of an intern with no debt, full pay, overtime and no broker, at reference tightness and yen",
    source: { kind: "calibrated", ref: "data:ti_missing", note: "fitted jointly: ABC, then migsim refine from the previous best fit to every target through 2023 (docs/calibration.md); chiefly the interns missing each year (ti_missing.csv)" },
  },
  abscondDebtLogHrPerWageMonth: {
    default: 0.121, unit: "log HR per month of pay owed", range: [0, 0.3],
    description: "Increase in the log absconding hazard per month of contract pay still owed",
    source: { kind: "calibrated", ref: "seed003", note: "indebtedness and repayment pressure (Chhour; Saito 2018); MMN (seed 002) on high fees; fitted jointly: ABC, then migsim refine from the previous best fit to every target through 2023 (docs/calibration.md)" },
  },
  abscondShortfallLogHrPerShare: {
    default: 4, unit: "log HR per unit shortfall", range: [0, 10],
    description: "Increase in the log absconding hazard per unit of pay shortfall against the contract",
    source: { kind: "assumption", ref: "seed003", note: "low salary and failure to honour contracts (Chhour; Saito 2018)" },
  },
  abscondNoOvertimeLogHr: {
    default: 0.4, unit: "log HR", range: [0, 1.5],
    description: "Log hazard ratio of absconding when the employer offers no overtime",
    source: { kind: "assumption", ref: "seed003", note: "'no overtime work' (Chhour)" },
  },
  abscondBrokerLogHr: {
    default: 0.7, unit: "log HR", range: [0, 2],
    description: "Log hazard ratio of absconding for interns in touch with a broker",
    source: { kind: "assumption", ref: "seed003", note: "brokers (Chhour)" },
  },
  abscondNetworkLogHrPerTie: {
    default: 0.03, unit: "log HR per tie", range: [0, 0.1],
    description: "Log hazard ratio of absconding per co-national contact (contacts find undocumented work)",
    source: { kind: "assumption", ref: "seed003", note: "brokers and co-nationals place absconders; size not measured" },
  },
  abscondTightnessElasticity: {
    default: 1.33, unit: "elasticity", range: [0, 4],
    description: "Absconding hazard scales with (job-openings ratio / reference ratio) to this power",
    source: { kind: "calibrated", ref: "seed003", note: "Sano (2012): more escapes as the labour market finds fewer people; size fitted jointly: ABC, then migsim refine from the previous best fit to every target through 2023 (docs/calibration.md); chiefly the interns missing each year (ti_missing.csv), which fell with the openings ratio in 2020" },
  },
  abscondYenElasticity: {
    default: 0, unit: "elasticity", range: [-3, 3],
    description: "A direct effect of the scenario's yen shift (series yenValueIndex) on absconding, besides the one through the shortfall; 0 = none",
    source: { kind: "assumption", ref: "seed003", note: "Sano (2012) hypothesised that a strong yen raises escapes; seed 003 presents it as untested, and the yen reaches absconding through abscondGoalShortfallLogHr, so no direct effect is imposed" },
  },
  abscondGoalShortfallLogHr: {
    default: 2.449, unit: "log HR per unit share of the goal", range: [0, 3],
    description: "Log hazard ratio of absconding per share of the savings goal (plus the debt) that the intern's savings, remittances and legal net pay to the end of the stay will not cover at this month's exchange rate",
    source: { kind: "calibrated", ref: "seed003", note: "target earners' shortfall: low pay and repayment pressure (Chhour; Saito 2018), the yen's value (Sano 2012); fitted jointly: ABC, then migsim refine from the previous best fit to every target through 2023 (docs/calibration.md)" },
  },
  abscondFirstYearLogHr: {
    default: -1.455, unit: "log HR", range: [-1.5, 1.5],
    description: "Log hazard ratio of absconding in the first 12 months with the employer (against 24 months and more)",
    source: { kind: "calibrated", ref: "survey:absconding", note: "MOJ survey of 2,870 absconders caught in 2017: the most common time from entry was 1-2 years (about 31%), 34 in the first month; fitted jointly: ABC, then migsim refine from the previous best fit to every target through 2023" },
  },
  abscondSecondYearLogHr: {
    default: 0.3024, unit: "log HR", range: [-1.5, 1.5],
    description: "Log hazard ratio of absconding in months 12-23 with the employer (against 24 months and more)",
    source: { kind: "calibrated", ref: "survey:absconding", note: "as abscondFirstYearLogHr (refined with it)" },
  },
  legalTransferLogOdds: {
    default: 1, unit: "log odds", range: [-3, 3],
    description: "For an intern who wants to leave the employer and has a legal transfer open (ESD after its wait; TITP with titpGrievanceTransfer at an underpaying employer): log odds of asking for the transfer rather than absconding",
    source: A("the evidence names low pay and debt as reasons to leave (seed 003); how many would take a legal route, with its wait, tests and quota, has not been measured directly. ISA's counts of the pandemic's special stay (observed/special_stay.csv) bound it from below in the model: with the open share at most 1, they need legalTransferShare x (1 - legalTransferRefusalProb) of at least about 0.2 (0.16 at the low end of the counts' tolerance; docs/calibration.md), so log odds above about -1.2 at the default refusal. 1 = about 3 in 4; a sensitivity candidate: ESD's effect on absconding rests on it"),
  },
  pandemicSpecialStayOpenShare: {
    default: 0.4094, unit: "probability", range: [0, 1],
    description: "While pandemicSpecialStay holds: share of the TITP interns who want out for whom the special 'designated activities' stay is open (those dismissed, or whose training could not go on, because of the pandemic); of them legalTransferShare ask for it, and legalTransferRefusalProb of requests fail",
    source: { kind: "calibrated", ref: "data:special_stay", note: "who was dismissed is not in the data; fitted with the absconding terms to every target through 2023, chiefly ISA's counts of people re-employed under the measure (625 by 2020-08-03, 1,716 by 2021-01-12; observed/special_stay.csv) and the missing of 2020-2022 (docs/calibration.md). Held from 2021-02 to the measure's end, where no count is published. Only its product with legalTransferShare is identified" },
  },
  legalTransferRefusalProb: {
    default: 0.3, unit: "probability", range: [0, 1],
    description: "Chance a requested legal transfer does not happen (no receiving employer, test not passed, quota, refused); the intern then stays",
    source: A("no data on requested against completed transfers; esd-rules.md lists tests, quotas and the receiving employer's approval as conditions"),
  },
  jobOffersConsidered: {
    default: 2, unit: "employers", range: [1, 5], integer: true,
    description: "Employers of its sector an agent who changes employer compares, taking the best-paying (1 = a random one)",
    source: A("transferees choose better-paying employers (issue 16, seed 000: mobility for pay); how widely they search is not measured"),
  },
  abscondConstructionLogHr: {
    default: 1.48, unit: "log HR", range: [0, 2.5],
    description: "Log hazard ratio of absconding of interns in construction (against sectors other than construction and agriculture)",
    source: { kind: "derived", ref: "survey:absconding", note: "2022: about 52% of the 9,006 missing interns were in construction, 10.5% in agriculture (ISA via press), against 71,436 and 27,318 of the 322,215 interns in transferable occupations at end-2022 (ISA): 6.6% a year in construction, 1.5% in the other sectors; ln(6.6 / 1.5); year-end denominators, so rates run high, the ratio less so" },
  },
  abscondAgricultureLogHr: {
    default: 0.85, unit: "log HR", range: [0, 2.5],
    description: "Log hazard ratio of absconding of interns in agriculture (against sectors other than construction and agriculture)",
    source: { kind: "derived", ref: "survey:absconding", note: "as abscondConstructionLogHr: 3.5% a year in agriculture against 1.5%; ln(3.5 / 1.5)" },
  },
  abscondMyanmarLogHr: {
    default: 2.533, unit: "log HR", range: [0, 3],
    description: "Log hazard ratio of absconding of Myanmar interns while myanmarDesignatedActivities holds (an origin shock)",
    source: { kind: "calibrated", ref: "survey:absconding", note: "after the 2021 coup Japan let Myanmar nationals stay on 'designated activities' (from 2021-05-28); 1,739 of the 1,765 Myanmar interns missing in 2023 changed to it; fitted jointly: ABC, then migsim refine from the previous best fit to every target through 2023" },
  },
  abscondResidualLogHrCN: {
    default: -0.2759, unit: "log HR", range: [-2, 2],
    description: "Residual log hazard ratio of absconding of Chinese interns: what the shares of the missing by nationality ask beyond debt, fees, pay and tenure (not a mechanism)",
    source: { kind: "calibrated", ref: "data:ti_missing", note: "ti_missing_by_nationality.csv (2014, 2015, 2017, 2019, 2023); fitted jointly: ABC, then migsim refine from the previous best fit to every target through 2023; a statistical residual standing for what the model leaves out (sending agencies' deposits, home wages), not a sourced mechanism" },
  },
  abscondResidualLogHrKH: {
    default: 0.4765, unit: "log HR", range: [-1, 3],
    description: "Residual log hazard ratio of absconding of Cambodian interns beyond debt, fees, pay and tenure (not a mechanism)",
    source: { kind: "calibrated", ref: "data:ti_missing", note: "ti_missing_by_nationality.csv: Cambodians 9.3% of the missing in 2017, 5.3% in 2019, 7.1% in 2023, several times their share of interns, although their fees (573,607 yen) are below the Vietnamese (ISA survey 2022); fitted jointly: ABC, then migsim refine from the previous best fit; a residual, not a sourced mechanism" },
  },
  abscondResidualLogHrMM: {
    default: -0.5836, unit: "log HR", range: [-1, 3],
    description: "Residual log hazard ratio of absconding of Myanmar interns beyond debt, fees, pay and tenure, before any origin shock (not a mechanism)",
    source: { kind: "calibrated", ref: "data:ti_missing", note: "ti_missing_by_nationality.csv: Myanmar nationals 5.8% of the missing in 2015 and 3.9% in 2019 although their fees are low (287,405 yen, ISA survey 2022); fitted jointly: ABC, then migsim refine from the previous best fit; a residual, not a sourced mechanism; the 2021 coup's shock is abscondMyanmarLogHr" },
  },
  abscondAsylumPermitLogHr: {
    default: 0.05357, unit: "log HR", range: [0, 1.5],
    description: "Log hazard ratio of absconding while refugee applicants may work",
    source: { kind: "calibrated", ref: "seed003", note: "refugee recognition applications as a reason to flee (Chhour; 3,037 interns among 2017's asylum applicants, other_figures.csv); size fitted by the joint ABC calibration of commit cab9219 (22 parameters, without the residual origin terms), kept when the absconding terms were refined to every target through 2023 (docs/calibration.md)" },
  },
  referenceJobOpeningsRatio: {
    default: 1.5, unit: "openings/applicant", range: [1, 2],
    description: "Job-openings ratio at which tightness effects are 1 (the 2017 level)",
    source: { kind: "data", ref: "data:labour_market", note: "2017 annual average 1.50" },
  },
  esdJobChangeHazardPerMonth: {
    default: 0.01, unit: "1/month", range: [0, 0.05],
    description: "Hazard that an ESD trainee past the waiting period, with the tests, asks for an own-will transfer for ordinary reasons, at full pay (esdTransferMatchProb of requests are matched)",
    source: A("new regime: no observations; SSW job-change rates are of this order"),
  },
  esdJobChangeShortfallLogHrPerShare: {
    default: 6, unit: "log HR per unit shortfall", range: [0, 12],
    description: "How much more a underpaid ESD trainee changes employer",
    source: { kind: "assumption", ref: "seed003", note: "the grievances that drive absconding drive a legal move where one is allowed" },
  },
  // ---- Employment for Skill Development (ESD, from 2027-04; docs/model.md 7.16, data/rules.md) ----
  titpTransitionalEntries: {
    default: false, unit: "flag",
    description: "Interns entering now still join TITP although ESD is in force (plans applied for by 2027-03-31 may start until 2027-06-30)",
    source: { kind: "data", ref: "rules", note: "ISA transitional measures of 2025-12-26 (esd-rules.md rule 8); baseline timeline holds it for 2027-04..06" },
  },
  esdFeeCapWageMonths: {
    default: 2, unit: "months of the intern's wage", range: [0.5, 6],
    description: "Cap on the fee an ESD trainee pays the sending agency, in months of the intern's contract wage; the employer bears the excess",
    source: { kind: "data", ref: "rules", note: "draft ordinance of 2025 as reported (esd-rules.md rule 3a): 2 months' wages, so that repaying 10% of pay clears the debt in about 18 months" },
  },
  esdFeeCapComplianceShare: {
    default: 1, unit: "share", range: [0, 1],
    description: "Share of the fee above the ESD cap that is actually no longer charged to the trainee (1 = the cap holds; 0 = unenforced)",
    source: A("the rule as enacted; surveys find Vietnam's own cap (Law 69/2020) widely exceeded, so the 'fee cap unenforced' scenario sets 0", "rules"),
  },
  esdWaitMonthsShortFields: {
    default: 12, unit: "months", range: [12, 24], integer: true,
    description: "Months with the first employer before an own-will transfer, in the fields with a 1-year restriction (the model's agriculture and services)",
    source: { kind: "data", ref: "rules", note: "panel draft of 2025-09-17, JITCO table of 2025-12-23 (esd-rules.md rules 1a-1c): agriculture, fishery, forestry, wood, building cleaning, linen, accommodation, railways, logistics" },
  },
  esdWaitMonthsLongFields: {
    default: 24, unit: "months", range: [12, 24], integer: true,
    description: "Months with the first employer before an own-will transfer, in the fields with a 2-year restriction (the model's manufacturing, construction, care and food)",
    source: { kind: "data", ref: "rules", note: "as esdWaitMonthsShortFields: care, industrial products, construction, shipbuilding, auto repair, food and beverage manufacturing, food service, resource recycling" },
  },
  esdTransferJapaneseLevel: {
    default: 1, unit: "JLPT level (1 = N5/A1, 2 = N4/A2)", range: [1, 2], integer: true,
    description: "Japanese level an ESD trainee needs for an own-will transfer",
    source: { kind: "data", ref: "rules", note: "each field sets a level between A1 (N5) and the SSW(i) level A2 (esd-rules.md rule 1d); field levels not published, so A1 for all; the 'stricter Japanese' scenario sets A2" },
  },
  esdBasicTestPassProb: {
    default: 0.98, unit: "probability", range: [0.5, 1],
    description: "Chance an ESD trainee passes the Trade Skills Test Basic Grade (or its ESD equivalent), sat at the end of year 1; an own-will transfer needs it",
    source: { kind: "data", ref: "rules", note: "care's equivalent test for interns, FY2018-2020: 98.2-98.6% passed at the first sitting (Silver Service Promotion Association, data/rules.md ESD section); no national figure; under TITP failing ended the stay, so employers coached hard, and the rate may be lower under ESD" },
  },
  esdTransferMatchProb: {
    default: 0.7, unit: "probability", range: [0.2, 1],
    description: "Chance an ESD trainee's own-will transfer request finds a receiving employer through the public bodies (supervising and support organisations with Hello Work; private brokers barred)",
    source: A("no data on requested against completed transfers; the same as TITP's legalTransferRefusalProb (0.3 refused); caps and the receiving employer's cost act on top (esdTransfereeShareCap, esdCompensationRefusalPerMillionYen)", "rules"),
  },
  esdTransfereeShareCap: {
    default: 1 / 3, unit: "share of the receiver's ESD trainees", range: [0.1, 1],
    description: "Largest share of a receiving employer's ESD trainees who may be own-will transferees (a firm at the cap takes none)",
    source: { kind: "data", ref: "rules", note: "ordinance and notice of 2025-09-30 (esd-rules.md rule 1f): at most 1/3" },
  },
  esdTransfereeShareCapUrbanFromOutside: {
    default: 1 / 6, unit: "share of the receiver's ESD trainees", range: [0.05, 1],
    description: "Largest share of an urban (designated-area) receiving employer's ESD trainees who are transferees from outside the area",
    source: { kind: "data", ref: "rules", note: "as esdTransfereeShareCap: at most 1/6 in the designated urban area (most of Saitama, Chiba, Tokyo, Kanagawa, Aichi, Kyoto, Osaka, Hyogo); the model's non-rural employers stand for it" },
  },
  esdInitialCostYen: {
    default: 600000, unit: "yen", range: [200000, 1000000],
    description: "The first employer's initial costs per trainee (placement, post-entry training, travel) that a receiving employer repays, before apportionment by the months the trainee stayed",
    source: { kind: "derived", ref: "rules", note: "public-comment draft, spring 2025 (esd-rules.md rule 1h): fixed standard amounts still to be set by notice; about 400,000 yen from TITP data plus travel and the intangible amount (a cut-off worked example of 400,000 + 200,000)" },
  },
  esdCompensationRefusalPerMillionYen: {
    default: 0.5, unit: "log refusal per million yen owed", range: [0, 3],
    description: "How the compensation a receiving employer owes the first employer lowers its acceptance of a transferee: it accepts with exp(-this x yen owed / 1e6)",
    source: A("the compensation is meant to make poaching costly (esd-rules.md rule 1h); how much it deters receivers is not measured: 0.5 turns away about a quarter of transferees at the full 600,000 yen, 1 in 10 after two years"),
  },
  esdYear2PayRiseShare: {
    default: 0.04, unit: "share of the contract wage", range: [0, 0.15],
    description: "Pay rise after year 1 that an employer in a field keeping the 2-year restriction owes its ESD trainees",
    source: A("basic policy (esd-rules.md rule 1i): the field council sets a yearly rate; none published; 4% is a little below the minimum-wage rises of 2023 and 2024 (4.5% and 5.1%, data/inputs/series.csv wage index)", "rules"),
  },
  esdSsw1SkillTestPassProb: {
    default: 0.6, unit: "probability", range: [0.2, 1],
    description: "Chance an ESD completer passes the SSW(i) skills test (or Trade Skills Test Grade 3) at one sitting; SSW1 also needs A2 (JLPT N4) Japanese, and an employer hires the completer on SSW1",
    source: { kind: "data", ref: "rules", note: "no waiver for ESD (rule 5a); SSW(i) skills tests April 2019 - March 2021: just under 60% passed in Japan (ISA), 55-75% by field and sitting in 2019 (data/rules.md ESD section)" },
  },
  esdSsw1RetakeMonths: {
    default: 12, unit: "months", range: [0, 12], integer: true,
    description: "Months an ESD completer who failed the SSW(i) tests may stay to sit them again (once more, at the end)",
    source: { kind: "data", ref: "rules", note: "ISA Q&A (esd-rules.md rule 5b): up to 1 more year" },
  },
  esdFieldCapManufacturing: {
    default: 139500, unit: "ESD trainees (national)", range: [0, 400000],
    description: "ESD field cap of the model's manufacturing (residents at any time); at the cap, no new ESD trainees enter the field",
    source: { kind: "derived", ref: "rules", note: "FY2027-2028 caps (data/rules.md ESD section; panel drafts, total adopted 2026-01-23): industrial products 119,700, plus shipbuilding 14,100, auto repair 3,900 and resource recycling 1,800, which have no cap found: their share of the 68,700 left of the 426,200 total, split by their SSW(i) caps of March 2024" },
  },
  esdFieldCapConstruction: {
    default: 123500, unit: "ESD trainees (national)", range: [0, 400000],
    description: "ESD field cap of construction (residents at any time)",
    source: { kind: "data", ref: "rules", note: "FY2027-2028: construction 123,500 (esd-rules.md rule 6b)" },
  },
  esdFieldCapAgriculture: {
    default: 39900, unit: "ESD trainees (national)", range: [0, 400000],
    description: "ESD field cap of the model's agriculture (agriculture, fishery, forestry, wood industry)",
    source: { kind: "derived", ref: "rules", note: "forestry 500 and wood industry 2,200 (cabinet decision 2026-01-23), agriculture 30,600 and fishery 6,600 (no cap found: their share of the remainder of the 426,200 total by SSW(i) caps; data/rules.md ESD section)" },
  },
  esdFieldCapCare: {
    default: 33800, unit: "ESD trainees (national)", range: [0, 400000],
    description: "ESD field cap of care (residents at any time)",
    source: { kind: "data", ref: "rules", note: "FY2027-2028: care 33,800 (esd-rules.md rule 6b)" },
  },
  esdFieldCapFood: {
    default: 65300, unit: "ESD trainees (national)", range: [0, 400000],
    description: "ESD field cap of the model's food (food and beverage manufacturing, food service)",
    source: { kind: "data", ref: "rules", note: "FY2027-2028: food and beverage manufacturing about 60,000, food service 5,300 (esd-rules.md rule 6b)" },
  },
  esdFieldCapServices: {
    default: 24200, unit: "ESD trainees (national)", range: [0, 400000],
    description: "ESD field cap of the model's services (building cleaning, accommodation, linen, logistics, railways)",
    source: { kind: "derived", ref: "rules", note: "building cleaning 7,300 and accommodation 5,200 (panel drafts); linen 3,000, logistics 7,200 and railways 1,500 as shares of the remainder of the 426,200 total (only SSW+ESD caps found; data/rules.md ESD section)" },
  },
  esdFieldCapScale: {
    default: 1, unit: "multiplier", range: [0.5, 2],
    description: "Multiplier of every ESD field cap; the caps run FY2027-2028 and are assumed to stay at that level after (plausible: half to twice the FY2027-2028 caps, the range a review of the caps might move them in)",
    source: A("the caps after FY2028 are not set; holding them is the neutral choice; the 'tighter caps' scenario lowers them", "rules"),
  },
  esdOversightUnderpayReduction: {
    default: 0.25, unit: "share", range: [0, 1],
    description: "Share by which ESD's supervising and support organisations (licensed, external auditor, staffing ratios, audits every 3 months) cut the share of employers who underpay, while esdActive",
    source: A("seed 003 ties absconding to lax host management (Sano 2012) that TITP's supervising organisations failed to check; ESD's oversight rules address it (esd-rules.md rule 7a); the size is not measured", "seed003"),
  },

  // ---- SSW ----
  ssw1CapMonths: {
    default: 60, unit: "months", range: [36, 120], integer: true,
    description: "Maximum total stay in SSW1",
    source: { kind: "data", ref: "rules", note: "SSW(i): 5 years in total at most" },
  },
  sswJobChangeHazardPerMonth: {
    default: 0.008, unit: "1/month", range: [0, 0.04],
    description: "Employer change hazard within the sector for SSW holders at reference tightness",
    source: { kind: "assumption", ref: "rules", note: "job change allowed within the field (rules.md); rate not measured" },
  },
  jobChangeTightnessElasticity: {
    default: 1, unit: "elasticity", range: [0, 3],
    description: "Job-change hazards scale with (job-openings ratio / reference) to this power",
    source: { kind: "assumption", ref: "seed000", note: "job mobility 'driven by the strong labour demand'" },
  },
  careerPlateauJobChanges: {
    default: 3, unit: "job changes", range: [1, 8], integer: true,
    description: "Job changes after which no further pay rise comes and job changes slow",
    source: { kind: "assumption", ref: "seed000", note: "'after several job changes, they cannot project further upward career mobility'" },
  },
  careerPlateauJobChangeHr: {
    default: 0.4, unit: "HR", range: [0.1, 1],
    description: "Hazard ratio of further job changes once on the plateau",
    source: { kind: "assumption", ref: "seed000", note: "career plateau after several job changes" },
  },
  ssw2MinMonthsInSsw1: {
    default: 24, unit: "months", range: [0, 60], integer: true,
    description: "Months in SSW1 before an SSW2 test can be passed",
    source: A("SSW2 needs experience as a team leader and a higher test; 2 years is the usual minimum"),
  },
  ssw2HazardPerMonth: {
    default: 0.01, unit: "1/month", range: [0, 0.05],
    description: "Monthly hazard of moving SSW1 -> SSW2 for an eligible worker of average skill",
    source: A("SSW2 stock was small until 2023; not calibrated yet"),
  },
  ssw2AtCapProb: {
    default: 0.3, unit: "probability", range: [0, 1],
    description: "Chance an eligible SSW1 holder at the 5-year cap moves to SSW2 rather than leaving",
    source: A("not measured"),
  },
  sswReturnHazardPerMonth: {
    default: 0.0114, unit: "1/month", range: [0, 0.03],
    description: "Base monthly return hazard of SSW holders",
    source: { kind: "calibrated", ref: "data:ssw_stock", note: "not measured; 85.9% of Vietnamese want to keep working in Japan (Mynavi 2024, other_figures.csv) suggests low; fitted by the joint ABC calibration of commit cab9219 (22 parameters, without the residual origin terms), kept when the absconding terms were refined to every target through 2023 (docs/calibration.md)" },
  },
  sieJobChangeHazardPerMonth: {
    default: 0.012, unit: "1/month", range: [0, 0.05],
    description: "Employer change hazard of SIEs at reference tightness",
    source: { kind: "assumption", ref: "seed000", note: "IT professionals 'opt for job mobilities driven by the strong labour demand'" },
  },
  sieReturnHazardPerMonth: {
    default: 0.009008, unit: "1/month", range: [0, 0.04],
    description: "Base monthly return hazard of SIEs",
    source: { kind: "calibrated", ref: "data:other_figures", note: "40% of skilled entrants still in Japan after 5 years (OECD 2024): total exit hazard -ln(0.4)/60 = 0.0153/month less onward moves, family and network effects; fitted jointly: the ABC calibration of commit cab9219 (22 parameters), then migsim refine with the pandemic mechanisms to every target through 2023 (docs/calibration.md, 18 terms refined)" },
  },
  onwardHazardPerMonth: {
    default: 0.002, unit: "1/month", range: [0, 0.01],
    description: "Monthly hazard of moving on to a third country (SSW, SIE, PR)",
    source: A("onward moves (Taiwan, Korea, Australia...) are not counted in the data"),
  },
  returnFamilyAtOriginLogHr: {
    default: 0.5, unit: "log HR", range: [0, 1.5],
    description: "Log hazard ratio of return with a partner or children at origin",
    source: { kind: "assumption", ref: "seed000", note: "family factors shape staying and return" },
  },
  returnFamilyInJapanLogHr: {
    default: -0.8, unit: "log HR", range: [-2, 0],
    description: "Log hazard ratio of return and onward moves with family in Japan",
    source: { kind: "assumption", ref: "seed000", note: "social and family factors 'prevent and/or postpone their further mobility/return'" },
  },
  returnNetworkLogHrPerTie: {
    default: -0.02, unit: "log HR per tie", range: [-0.1, 0],
    description: "Log hazard ratio of return per co-national contact",
    source: { kind: "assumption", ref: "seed000", note: "social factors postpone return" },
  },
  returnYenElasticity: {
    default: -1, unit: "elasticity", range: [-3, 0],
    description: "Return hazards scale with the yen's value at home to this power (a weaker yen sends more home)",
    source: { kind: "assumption", ref: "data:other_figures", note: "weak yen is the top reason for not staying (38.5%, Mynavi 2024)" },
  },
  returnSavingsTargetLogHr: {
    default: 0.4, unit: "log HR", range: [0, 1.5],
    description: "Log hazard ratio of return once the savings target is reached (target earners)",
    source: A("target-earner behaviour; the target itself is derived from the VEPR survey"),
  },

  // ---- Permanent residency ----
  prMinMonthsInJapan: {
    default: 120, unit: "months", range: [12, 240], integer: true,
    description: "Months of stay required for permanent residency",
    source: { kind: "data", ref: "rules", note: "10 years of stay" },
  },
  prMinMonthsOnWorkStatus: {
    default: 60, unit: "months", range: [12, 120], integer: true,
    description: "Months on a work status (SSW2, SIE; not TI or SSW1) required for permanent residency",
    source: { kind: "data", ref: "rules", note: "5 years on a work status; TI and SSW(i) years do not count" },
  },
  prHazardPerMonth: {
    default: 0.02, unit: "1/month", range: [0, 0.1],
    description: "Monthly hazard of obtaining PR once eligible",
    source: A("application and processing; not measured"),
  },
  prExitHazardPerMonth: {
    default: 0.002, unit: "1/month", range: [0, 0.01],
    description: "Monthly hazard that a permanent resident leaves (return)",
    source: A("settled residents rarely leave; not measured"),
  },

  // ---- Irregular stay and asylum ----
  irregularAsylumHazardPerMonth: {
    default: 0.006137, unit: "1/month", range: [0, 0.05],
    description: "Monthly hazard an undocumented worker applies for refugee status",
    source: { kind: "calibrated", ref: "seed003", note: "refugee recognition application as a route after absconding (seed 003); fitted to the refugee applications of interns (731 in 2015 to 3,037 in 2017 and 466 in 2022, data/observed/irregular_status.csv) by the joint ABC calibration of commit cab9219 (docs/calibration.md)" },
  },
  asylumWorkPermitAsylumHr: {
    default: 5, unit: "HR", range: [1, 10],
    description: "Hazard ratio of applying while applicants may work",
    source: { kind: "derived", ref: "data:refugee_applications", note: "applications fell from 19,629 (2017) to about 10,400 (2018-19) after work permission was curtailed; the ratio among absconders is assumed larger" },
  },
  apprehensionHazardPerMonth: {
    default: 0.0425, unit: "1/month", range: [0, 0.1],
    description: "Monthly hazard an undocumented worker is apprehended and detained (DETAINED)",
    source: { kind: "calibrated", ref: "data:irregular_status", note: "fitted to the overstayers whose last status was TITP (4,679 at 2015-01 to 10,913 at 2023-07, data/observed/irregular_status.csv) by the joint ABC calibration of commit cab9219 (docs/calibration.md); their removal procedures (4,651 in 2019) are reported, not fitted" },
  },
  irregularReturnHazardPerMonth: {
    default: 0.05005, unit: "1/month", range: [0, 0.1],
    description: "Monthly hazard an undocumented worker (or applicant, or someone on provisional release) goes home on a departure order, without detention",
    source: { kind: "calibrated", ref: "data:irregular_status", note: "fitted with apprehensionHazardPerMonth to the TITP overstayer stock (data/observed/irregular_status.csv) by the joint ABC calibration of commit cab9219 (docs/calibration.md)" },
  },
  asylumDecisionHazardPerMonth: {
    default: 0.035, unit: "1/month", range: [0.01, 0.2],
    description: "Monthly hazard that a refugee application is decided (rejected: recognitions are negligible)",
    source: { kind: "assumption", ref: "data:refugee_applications", note: "recognitions 20-74 a year against 10,000+ applications; processing takes about 2-3 years" },
  },
  asylumReapplyProb: {
    default: 0.5, unit: "probability", range: [0, 1],
    description: "Chance a rejected applicant applies again (stays ASYLUM)",
    source: A("repeat applications were common before the 2023 amendment"),
  },
  asylumRejectedDeportProb: {
    default: 0.15, unit: "probability", range: [0, 1],
    description: "Chance a rejected applicant who does not re-apply is detained for deportation (DETAINED; else back to IRREGULAR); also applies to re-applicants once repeat applications no longer halt deportation",
    source: A("not measured"),
  },
  repeatApplicationsStopDeportation: {
    default: true, unit: "flag",
    description: "A repeat application halts deportation (until the 2023 amendment, in force 2024-06)",
    source: { kind: "assumption", ref: "seed003", note: "seed 003 (refugee policy paper) on deportation and repeat applications; the 2023 amendment (in force 2024-06, not in data/rules.md) lets the third application onward be deported. The model applies it to every repeat application (simplification)" },
  },
  // Detention, provisional release and permission to stay (docs/model.md 7.12).
  detainedDeportHazardPerMonth: {
    default: 0.7, unit: "1/month", range: [0.2, 1.5],
    description: "Monthly hazard a detainee is deported",
    source: A("most apprehended overstayers leave within weeks, at their own cost; detention beyond six months is the exception (ISA detention figures are not by former status)"),
  },
  provisionalReleaseHazardPerMonth: {
    default: 0.04, unit: "1/month", range: [0, 0.3],
    description: "Monthly hazard a detainee is released provisionally (karihomen; PROVISIONAL, barred from work)",
    source: A("release goes to those who refuse removal, mostly asylum applicants; not measured for former interns"),
  },
  specialPermissionHazardPerMonth: {
    default: 0.003, unit: "1/month", range: [0, 0.05],
    description: "Monthly hazard a detainee or someone on provisional release is granted special permission to stay (DESIGNATED)",
    source: A("grants go mostly to people with family in Japan; few former interns have it"),
  },
  provisionalDeportHazardPerMonth: {
    default: 0.01, unit: "1/month", range: [0, 0.1],
    description: "Monthly hazard that someone on provisional release is re-detained and deported",
    source: A("people on provisional release wait years; not measured"),
  },
  myanmarDesignatedHazardPerMonth: {
    default: 0.5, unit: "1/month", range: [0.05, 2],
    description: "Monthly hazard that a Myanmar national without a status (IRREGULAR, ASYLUM, PROVISIONAL) moves to 'designated activities' while myanmarDesignatedActivities holds",
    source: A("fast: 1,739 of the 1,765 Myanmar interns missing in 2023 changed to designated activities (docs/evidence-absconding.md)", "survey:absconding"),
  },
  designatedReturnHazardPerMonth: {
    default: 0.005, unit: "1/month", range: [0, 0.05],
    description: "Monthly hazard someone on designated activities goes home (besides the scheduled end of the pandemic's special stay, pandemicSpecialStayMonths)",
    source: A("a stay granted for protection or family is rarely given up; not measured"),
  },
  pandemicSpecialStayMonths: {
    default: 12, unit: "months", range: [4, 24], integer: true,
    description: "How long the pandemic's special 'designated activities' stay (pandemicSpecialStay) lasts; at its end the holder changes to SSW1 (pandemicSpecialStaySsw1Prob) or goes home",
    source: { kind: "data", ref: "rules", note: "granted for up to a year (MOJ leaflet of 2020-04, rules.md row 20). Simplification: from 2021-03 holders who had spent a year could renew (isa.go.jp/en/nyuukokukanri14_00008.html), and after the end of 2022-05-31 the last stays ran 4 more months; how many renewed is not published" },
  },
  pandemicSpecialStaySsw1Prob: {
    default: 0.5, unit: "probability", range: [0, 1],
    description: "Chance a holder of the pandemic's special stay changes to SSW1 at its end (while SSW1 is open), with an employer of its sector; otherwise it goes home",
    source: A("the stay was given in an SSW field so that holders could gain the skills for SSW (MOJ leaflet of 2020-04), and Jiji (medical.jiji.com/news/51178, 2022) reports that many interns unable to go home changed to SSW; no count of holders who did has been published. 0.5: neither outcome known to dominate; a sensitivity candidate"),
  },

  // ---- Careers across borders (docs/model.md 7.15) ----
  subsidiaryHireProbAtPromoter: {
    default: 0.05, unit: "probability", range: [0, 0.3],
    description: "Chance a finishing intern of a promoting employer who goes home is hired by the employer's subsidiary there (SUBSIDIARY: a return with a career)",
    source: A("seed 001 finds a few promoting SMEs hire graduated interns in their overseas subsidiaries; the share is not measured (the OTIT follow-up survey, other_figures.csv, has 22% of returnees employed, without the employer)", "seed001"),
  },
  ssw1ReturneeEntryShare: {
    default: 0.4, unit: "share", range: [0, 1],
    description: "Share of SSW1 entrants from abroad who are returnees of the model (finished interns, former SSW1 holders with time left) coming back, while any is waiting",
    source: A("former interns who finished TI-2 enter SSW1 in their field without the skills test, also from abroad (rules.md); ISA's route figures (ssw_route.csv) give the TI route (about 70% of holders in 2023) and arrivals from abroad (31%) but not their overlap", "rules"),
  },
  returneeReentryWindowMonths: {
    default: 120, unit: "months", range: [24, 240], integer: true,
    description: "Months after going home in which a returnee may come back as SSW1",
    source: A("the exemption for finished interns has no time limit; age and a settled life at home end most returnees' plans within a decade", "rules"),
  },
} as const satisfies Record<string, ParamSpec>;

export type ParamName = keyof typeof PARAMS;

/** Resolved parameter values: numbers, and booleans for flags. */
export type Params = {
  -readonly [K in ParamName]: (typeof PARAMS)[K]["default"] extends boolean ? boolean : number;
};

export const PARAM_NAMES = Object.keys(PARAMS) as ParamName[];

export function defaultParams(): Params {
  const p = {} as Record<string, number | boolean>;
  for (const k of PARAM_NAMES) p[k] = PARAMS[k].default;
  return p as Params;
}
