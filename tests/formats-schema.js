const fs = require("fs");
const [kind, file] = process.argv.slice(2);
const text = fs.readFileSync(file, "utf8");
let bad = [];
const need = (o, keys, where) => { for (const k of keys) if (!(k in o)) bad.push(where + ": no " + k); };
const isStr = (v) => typeof v === "string" && v.length > 0;
const ref = (o, kind, where) => {
	need(o, ["id", "name", "reference"], where);
	if (!isStr(o.name) || o.reference !== "https://attack.mitre.org/" + kind + "/" + o.id.replace(".", "/") + "/")
		bad.push(where + ": bad " + JSON.stringify(o));
};
// Microsoft Sentinel, the template validation of the Azure-Sentinel repository
// (.script/tests/detectionTemplateSchemaValidation): ScheduledTemplateInternalModel (required
// keys, severity, a query of 1 to 10,000 characters, frequency and period of 5 minutes to
// 14 days, triggerThreshold 0 to 10,000), QueryBasedTemplateVersionValidator (X.Y.Z, at most
// 20 characters), ValidEntityMappings (1 to 5 entities of 1 to 3 field mappings),
// EntityMappingIdentifiers (the identifiers of each entity type and those that identify it on
// their own), ValidConnectorIds.json (the connector ids the YAML names) and the ARM API's
// tactic names (AttackTactic).
const tactics = ["Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence",
	"PrivilegeEscalation", "DefenseEvasion", "CredentialAccess", "Discovery", "LateralMovement",
	"Collection", "CommandAndControl", "Exfiltration", "Impact", "ImpairProcessControl", "InhibitResponseFunction", "PreAttack"];
const identifiers = {
	Account: [["Name", "FullName", "NTDomain", "DnsDomain", "UPNSuffix", "Sid", "AadTenantId", "AadUserId", "PUID", "IsDomainJoined", "DisplayName", "ObjectGuid"], ["FullName", "Sid", "Name", "AadUserId", "PUID", "ObjectGuid"]],
	Host: [["DnsDomain", "NTDomain", "HostName", "FullName", "NetBiosName", "AzureID", "OMSAgentID", "OSFamily", "OSVersion", "IsDomainJoined"], ["FullName", "HostName", "NetBiosName", "AzureID", "OMSAgentID"]],
	Process: [["ProcessId", "CommandLine", "ElevationToken", "CreationTimeUtc"], ["CommandLine", "ProcessId"]],
	IP: [["Address"], ["Address"]],
	URL: [["Url"], ["Url"]],
	DNS: [["DomainName"], ["DomainName"]],
	File: [["Directory", "Name"], ["Name"]],
};
const connectorIds = ["AWS", "AzureActiveDirectory", "AzureActivity", "AzureMonitor(IIS)", "CEF", "DNS",
	"MicrosoftThreatProtection", "Office365", "SecurityEvents", "Syslog", "WindowsForwardedEvents",
	"WindowsSecurityEvents"];
// ATT&CK: each technique's tactics (templates/attack/enterprise.yml), in Sentinel's names;
// the repository wants all of them among a rule's tactics (NoTechniquesWithoutMatchingTactics).
const camel = (short) => short.split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join("");
const techniqueTactics = {};
for (const m of fs.readFileSync("templates/attack/enterprise.yml", "utf8").matchAll(/\{id: (T\d{4}), name: .*?, tactics: \[([^\]]*)\]/g))
	techniqueTactics[m[1]] = m[2].split(", ").map(camel);
const tacticsCover = (tactics, techniques, where) => {
	for (const t of techniques)
		for (const need of techniqueTactics[t] || [])
			if (!tactics.includes(need)) bad.push(where + ": " + t + " without its tactic " + need);
};
const projected = (query) => {	// the columns of the last "| project", or null
	const m = query.match(/\n\| project ([^\n]*)$/);
	return m ? m[1].split(", ") : null;
};
const entities = (list, query, where) => {
	if (list === undefined || list === null) return;
	if (!Array.isArray(list) || list.length < 1 || list.length > 5) bad.push(where + ": entityMappings " + JSON.stringify(list));
	const cols = projected(query);
	for (const e of list || []) {
		const known = identifiers[e.entityType];
		if (!known) { bad.push(where + ": entity type " + e.entityType); continue; }
		if (e.fieldMappings.length < 1 || e.fieldMappings.length > 3) bad.push(where + ": fieldMappings of " + e.entityType);
		const ids = e.fieldMappings.map((f) => f.identifier);
		if (!ids.every((i) => known[0].includes(i)) || !ids.some((i) => known[1].includes(i)))
			bad.push(where + ": identifiers " + e.entityType + " " + ids);
		for (const f of e.fieldMappings)
			if (cols && !cols.includes(f.columnName)) bad.push(where + ": " + f.columnName + " is not a result column");
	}
};
const sentinelYaml = (r) => {
	const w = r.name;
	need(r, ["id", "name", "description", "severity", "requiredDataConnectors", "queryFrequency", "queryPeriod",
		 "triggerOperator", "triggerThreshold", "tactics", "relevantTechniques", "query", "version", "kind"], w);
	if (!["Informational", "Low", "Medium", "High"].includes(r.severity)) bad.push(w + ": severity");
	if (!isStr(r.query) || r.query.length > 10000) bad.push(w + ": query length " + (r.query || "").length);
	if (!/^\d+\.\d+\.\d+$/.test(r.version) || r.version.length > 20) bad.push(w + ": version " + r.version);
	if (!["gt", "lt", "eq", "ne"].includes(r.triggerOperator) || !(r.triggerThreshold >= 0 && r.triggerThreshold <= 10000)) bad.push(w + ": trigger");
	for (const t of r.tactics) if (!tactics.includes(t)) bad.push(w + ": tactic " + t);
	for (const t of r.relevantTechniques) if (!/^T\d{4}$/.test(t)) bad.push(w + ": technique " + t);
	tacticsCover(r.tactics, r.relevantTechniques, w);
	for (const c of r.requiredDataConnectors) {
		if (!connectorIds.includes(c.connectorId)) bad.push(w + ": connector " + c.connectorId);
		if (!Array.isArray(c.dataTypes) || !c.dataTypes.every((t) => r.query.startsWith(t))) bad.push(w + ": dataTypes " + c.dataTypes);
	}
	entities(r.entityMappings, r.query, w);
};

// An ARM template of alert rules (Microsoft Learn, "Export and import analytics rules to and from
// ARM templates"; ARM reference Microsoft.SecurityInsights/alertRules, kind Scheduled).
const duration = /^P(T\d+[HM]|\d+D)$/;
const arm = (doc) => {
	need(doc, ["$schema", "contentVersion", "parameters", "resources"], "template");
	if (!/deploymentTemplate\.json#$/.test(doc.$schema) || doc.parameters.workspace.type !== "String") bad.push("template head");
	for (const res of doc.resources) {
		const p = res.properties, w = p.displayName;
		if (res.type !== "Microsoft.OperationalInsights/workspaces/providers/alertRules" || res.kind !== "Scheduled" || !isStr(res.apiVersion)) bad.push(w + ": resource type");
		if (!/^\[concat\(parameters\('workspace'\), '\/Microsoft\.SecurityInsights\/[0-9a-f-]{36}'\)\]$/.test(res.name)) bad.push(w + ": name " + res.name);
		need(p, ["displayName", "description", "severity", "enabled", "query", "queryFrequency", "queryPeriod",
			 "triggerOperator", "triggerThreshold", "suppressionDuration", "suppressionEnabled", "tactics", "techniques"], w);
		if (!["Informational", "Low", "Medium", "High"].includes(p.severity)) bad.push(w + ": severity");
		if (!isStr(p.query) || p.query.length > 10000) bad.push(w + ": query length");
		if (![p.queryFrequency, p.queryPeriod, p.suppressionDuration].every((d) => duration.test(d))) bad.push(w + ": durations");
		if (!["GreaterThan", "LessThan", "Equal", "NotEqual"].includes(p.triggerOperator)) bad.push(w + ": triggerOperator");
		for (const t of p.tactics) if (!tactics.includes(t)) bad.push(w + ": tactic " + t);
		for (const t of p.techniques) if (!/^T\d{4}$/.test(t)) bad.push(w + ": technique " + t);
		tacticsCover(p.tactics, p.techniques, w);
		for (const t of p.subTechniques || []) if (!/^T\d{4}\.\d{3}$/.test(t)) bad.push(w + ": sub-technique " + t);
		entities(p.entityMappings, p.query, w);
	}
};

// Defender XDR custom detection: the body of Microsoft Graph's POST
// /security/rules/detectionRules as Graph has it since 2026-10-01 (v1.0 alertTemplate,
// mitreTactic, mitreTechnique, entityMappingConfiguration and its host, account and mailbox
// mappings, ruleSchedule; beta Create detectionRule for status). The properties Graph removed
// that day (alertTemplate's category, mitreTechniques, impactedAssets; isEnabled; schedule's
// period) are refused with the rest of the unknown keys. Each entity mapping column is a
// column of the query's table (templates/schemas/defender_xdr.txt).
const columns = {};
{
	let cur = null;
	for (const line of fs.readFileSync("templates/schemas/defender_xdr.txt", "utf8").split("\n")) {
		const m = line.match(/^\[(.*)\]$/);
		if (m) columns[cur = m[1]] = new Set();
		else if (cur && line && !line.startsWith("#")) columns[cur].add(line);
	}
}
// only (with the Next-Gen SIEM checks) names every key an object must not have.
// The entityMappingConfiguration collections this format writes and their mappings' columns.
const graphEntities = {
	hosts: ["deviceIdColumn", "dnsDomainColumn", "nameColumn", "netBiosNameColumn", "ntDomainColumn"],
	accounts: ["aadUserIdColumn", "dnsDomainColumn", "nameColumn", "ntDomainColumn", "sidColumn", "upnColumn", "upnSuffixColumn"],
	mailboxes: ["primaryAddressColumn"],
};
// mitreTactic's tactic: the ATT&CK tactic's name without spaces, as Defender's alert
// categories and Graph's example ("Execution") write it.
const graphTactics = ["Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence",
	"PrivilegeEscalation", "DefenseEvasion", "CredentialAccess", "Discovery", "LateralMovement",
	"Collection", "CommandAndControl", "Exfiltration", "Impact"];
const defender = (r) => {
	const w = r.displayName;
	only(r, ["displayName", "description", "status", "queryCondition", "schedule", "detectionAction"], w);
	need(r, ["displayName", "status", "queryCondition", "schedule", "detectionAction"], w);
	if (!["enabled", "disabled"].includes(r.status)) bad.push(w + ": status " + JSON.stringify(r.status));
	only(r.schedule, ["frequency"], w + ": schedule");
	if (!/^P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/.test(r.schedule && r.schedule.frequency))
		bad.push(w + ": frequency " + JSON.stringify(r.schedule && r.schedule.frequency));
	only(r.detectionAction, ["alertTemplate", "automatedActions", "organizationalScope"], w + ": detectionAction");
	const a = (r.detectionAction || {}).alertTemplate || {};
	only(a, ["title", "description", "severity", "recommendedActions", "tactics", "entityMappings", "customDetails"], w + ": alertTemplate");
	need(a, ["title", "description", "severity", "tactics", "entityMappings"], w);
	if (!["informational", "low", "medium", "high"].includes(a.severity)) bad.push(w + ": severity " + JSON.stringify(a.severity));
	if (!/(^|\n\n)sigma-id:[0-9a-f-]{36}$/.test(a.description)) bad.push(w + ": no sigma-id line in the description");
	const named = new Set();
	for (const t of Array.isArray(a.tactics) ? a.tactics : (bad.push(w + ": tactics is no array"), [])) {
		only(t, ["tactic", "techniques"], w + ": tactic");
		if (!graphTactics.includes(t.tactic) || named.has(t.tactic)) bad.push(w + ": tactic " + JSON.stringify(t.tactic));
		named.add(t.tactic);
		for (const te of t.techniques || []) {
			only(te, ["technique", "subTechniques"], w + ": technique");
			if (!/^T\d{4}$/.test(te.technique)) bad.push(w + ": technique " + JSON.stringify(te.technique));
			for (const s of te.subTechniques || [])
				if (!/^T\d{4}\.\d{3}$/.test(s) || !s.startsWith(te.technique + ".")) bad.push(w + ": sub-technique " + s + " under " + te.technique);
		}
	}
	const table = r.queryCondition.queryText.split(/[\s|]/)[0];
	only(a.entityMappings, Object.keys(graphEntities), w + ": entityMappings");
	if (!Object.keys(a.entityMappings || {}).length) bad.push(w + ": no entity mapping");
	for (const [kind, maps] of Object.entries(a.entityMappings || {})) {
		for (const m of Array.isArray(maps) && maps.length ? maps : (bad.push(w + ": " + kind + " is no list of mappings"), [])) {
			only(m, graphEntities[kind] || [], w + ": " + kind);
			if (!Object.keys(m).length) bad.push(w + ": an empty mapping in " + kind);
			for (const col of Object.values(m))
				if (!columns[table] || !columns[table].has(col)) bad.push(w + ": " + table + " has no " + col);
		}
	}
};

// A Splunk ES correlation search (savedsearches.conf): the keys ES reads, the search on one line.
const splunkEs = (st) => {
	const keys = {};
	let last = null;
	for (const line of st.split("\n").slice(1)) {
		if (last && keys[last].endsWith("\\")) { keys[last] += "\n" + line; continue; }
		const m = line.match(/^([^=]+?) = (.*)$/);
		if (m) keys[last = m[1]] = m[2];
	}
	const w = st.split("\n")[0];
	if (!/^\[.* - Rule\]$/.test(w)) bad.push(w + ": stanza");
	if (!isStr(keys.search) || keys.search.includes("\n")) bad.push(w + ": search not on one line");
	if (keys["action.correlationsearch.enabled"] !== "1" || !isStr(keys["action.correlationsearch.label"])) bad.push(w + ": correlationsearch");
	const ann = JSON.parse(keys["action.correlationsearch.annotations"]);
	if (!ann.mitre_attack.every((t) => /^T\d{4}(\.\d{3})?$/.test(t))) bad.push(w + ": annotations");
	if (keys["action.notable"] !== "1" || !isStr(keys["action.notable.param.rule_title"])) bad.push(w + ": notable");
	if (!["access", "endpoint", "network", "threat", "identity", "audit"].includes(keys["action.notable.param.security_domain"])) bad.push(w + ": security domain");
	if (!["informational", "low", "medium", "high", "critical"].includes(keys["action.notable.param.severity"])) bad.push(w + ": severity");
};
// A Falcon Next-Gen SIEM correlation rule, the body of POST /correlation-rules/entities/rules/v1:
// the required keys and types of the API's swagger models (gofalcon, falcon/models:
// correlationrulesapi.RuleCreateRequestV1, RuleSearchV1, CreateRuleOperationV1,
// RuleScheduleV1, MitreAttackMappingV1), no key outside them, and the values CrowdStrike's
// Terraform provider accepts (internal/correlation_rules): severity 10/30/50/70/90, status
// active|inactive, trigger_mode verbose|summary, execution_mode scheduled, outcome
// detection|case, lookback a Go duration of at most 168h and not shorter than the schedule,
// "@every" a Go duration of at least 5m, at most 10 mitre_attack entries, a 32-hex CID.
const goDuration = (d) => {
	const m = typeof d === "string" && d !== "" && d.match(/^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/);
	return m ? (+(m[1] || 0)) * 3600 + (+(m[2] || 0)) * 60 + (+(m[3] || 0)) : null;
};
const only = (o, keys, where) => {
	if (typeof o !== "object" || o === null || Array.isArray(o)) return bad.push(where + ": not an object");
	for (const k of Object.keys(o)) if (!keys.includes(k)) bad.push(where + ": unknown key " + k);
};
const ngsiem = (r) => {
	const w = r.name;
	only(r, ["anomaly", "comment", "customer_id", "description", "guardrail_notifications", "mitre_attack",
		 "name", "notifications", "operation", "search", "severity", "status", "tactic", "technique",
		 "template_id", "trigger_on_create"], w);
	need(r, ["customer_id", "name", "operation", "search", "severity", "status", "template_id"], w);
	if (!/^[0-9a-f]{32}$/.test(r.customer_id)) bad.push(w + ": customer_id " + r.customer_id);
	if (!isStr(r.name)) bad.push(w + ": name");
	for (const k of ["description", "comment", "template_id"])
		if (k in r && typeof r[k] !== "string") bad.push(w + ": " + k + " not a string");
	if (![10, 30, 50, 70, 90].includes(r.severity)) bad.push(w + ": severity " + r.severity);
	if (!["active", "inactive"].includes(r.status)) bad.push(w + ": status " + r.status);
	const s = r.search || {};
	only(s, ["case_template_id", "execution_mode", "filter", "lookback", "outcome", "trigger_mode", "use_ingest_time"], w + " search");
	need(s, ["execution_mode", "filter", "lookback", "outcome", "trigger_mode"], w + " search");
	if (!isStr(s.filter)) bad.push(w + ": filter");
	if (s.execution_mode !== "scheduled") bad.push(w + ": execution_mode " + s.execution_mode);
	if (!["detection", "case"].includes(s.outcome)) bad.push(w + ": outcome " + s.outcome);
	if (!["verbose", "summary"].includes(s.trigger_mode)) bad.push(w + ": trigger_mode " + s.trigger_mode);
	if ("use_ingest_time" in s && typeof s.use_ingest_time !== "boolean") bad.push(w + ": use_ingest_time");
	const lookback = goDuration(s.lookback);
	if (!lookback || lookback > 168 * 3600) bad.push(w + ": lookback " + s.lookback);
	const op = r.operation || {};
	only(op, ["schedule", "start_on", "stop_on", "suppression"], w + " operation");
	only(op.schedule, ["definition"], w + " schedule");
	const every = op.schedule && typeof op.schedule.definition === "string" &&
		op.schedule.definition.startsWith("@every ") ? goDuration(op.schedule.definition.slice(7)) : null;
	if (!every || every < 300) bad.push(w + ": schedule " + JSON.stringify(op.schedule));
	if (every && lookback && lookback < every) bad.push(w + ": lookback shorter than the schedule");
	const attack = r.mitre_attack || [];
	if (!Array.isArray(attack) || attack.length > 10) bad.push(w + ": mitre_attack " + JSON.stringify(attack));
	for (const m of attack) {
		only(m, ["tactic_id", "technique_id"], w + " mitre_attack");
		if (!/^TA\d{4}$/.test(m.tactic_id) || ("technique_id" in m && !/^T\d{4}(\.\d{3})?$/.test(m.technique_id)))
			bad.push(w + ": mitre_attack " + JSON.stringify(m));
	}
};
if (kind === "cse") {
	const doc = JSON.parse(text);
	if (Object.keys(doc).join() !== "rules" || !Array.isArray(doc.rules)) bad.push("not one {rules: [...]} object");
	for (const r of doc.rules) {
		need(r, ["content_type", "rule_source", "pattern_type", "stream", "name", "name_expression",
			 "description_expression", "expression", "is_prototype", "category", "entity_selectors",
			 "score_mapping", "tags"], r.name);
		if (!["user", "sumo"].includes(r.rule_source)) bad.push(r.name + ": rule_source " + r.rule_source);
		for (const e of r.entity_selectors)
			if (Object.keys(e).sort().join() !== "entity_type,expression") bad.push(r.name + ": selector " + JSON.stringify(e));
		for (const g of r.tags)
			if (!/^_mitreAttack(Tactic:TA\d{4}|Technique:T\d{4}(\.\d{3})?)$/.test(g)) bad.push(r.name + ": tag " + g);
		if (typeof r.score_mapping.default !== "number") bad.push(r.name + ": score");
	}
	console.log("# " + doc.rules.length + " CSE rules");
} else if (kind === "kibana") {
	const lines = text.split("\n").filter((l) => l !== "");
	for (const l of lines) {
		const r = JSON.parse(l);
		need(r, ["rule_id", "name", "description", "risk_score", "severity", "type", "language", "query", "threat", "version"], r.name);
		if (!isStr(r.rule_id)) bad.push(r.name + ": empty rule_id");
		if (!Number.isInteger(r.risk_score) || r.risk_score < 0 || r.risk_score > 100) bad.push(r.name + ": risk_score");
		if (!["low", "medium", "high", "critical"].includes(r.severity)) bad.push(r.name + ": severity");
		if (!["eql", "esql"].includes(r.type) || r.language !== r.type) bad.push(r.name + ": type");
		if (r.type === "eql" && !Array.isArray(r.index)) bad.push(r.name + ": index");
		if (!Number.isInteger(r.version) || r.version < 1) bad.push(r.name + ": version");
		for (const th of r.threat) {
			if (th.framework !== "MITRE ATT&CK") bad.push(r.name + ": framework");
			ref(th.tactic, "tactics", r.name);
			if (!/^TA\d{4}$/.test(th.tactic.id)) bad.push(r.name + ": tactic id");
			for (const te of th.technique) {
				ref(te, "techniques", r.name);
				if (!/^T\d{4}$/.test(te.id)) bad.push(r.name + ": technique id " + te.id);
				for (const s of te.subtechnique || []) {
					ref(s, "techniques", r.name);
					if (!s.id.startsWith(te.id + ".")) bad.push(r.name + ": " + s.id + " under " + te.id);
				}
			}
		}
		const tagged = (r.tags || []).filter((g) => /^attack\.t\d{4}$/.test(g)).map((g) => g.slice(7).toUpperCase());
		const placed = r.threat.flatMap((th) => th.technique.map((te) => te.id));
		for (const id of tagged) if (!placed.includes(id) && !/^T1[6-9]\d\d$/.test(id)) bad.push(r.name + ": " + id + " dropped");
	}
	console.log("# " + lines.length + " Kibana rules");
} else if (kind === "sentinel") {
	const docs = text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
	for (const r of docs) sentinelYaml(r);
	console.log("# " + docs.length + " Sentinel rules");
} else if (kind === "arm") {
	const doc = JSON.parse(text);
	arm(doc);
	console.log("# " + doc.resources.length + " ARM alert rules");
} else if (kind === "defender") {
	const doc = JSON.parse(text), docs = Array.isArray(doc) ? doc : [doc];
	for (const r of docs) defender(r);
	console.log("# " + docs.length + " Defender detections");
} else if (kind === "es") {
	const stanzas = text.trim().split(/\n\n(?=\[)/);
	for (const st of stanzas) splunkEs(st);
	console.log("# " + stanzas.length + " ES correlation searches");
} else if (kind === "ngsiem") {
	const doc = JSON.parse(text), docs = Array.isArray(doc) ? doc : [doc];
	for (const r of docs) ngsiem(r);
	console.log("# " + docs.length + " Next-Gen SIEM correlation rules");
}
if (bad.length) { console.error(bad.slice(0, 20).join("\n")); process.exit(1); }
