/*
 * template_attack.c: the ATT&CK placeholders of the format templates, from a
 * rule's attack.* tags: tactic lists in the spellings the formats need and the
 * ECS threat array (Kibana's threat field), whose technique and sub-technique
 * names and tactics come from the ATT&CK table of templates/attack/.
 */
#include "template_impl.h"

#include <ctype.h>
#include <string.h>

/*
 * ATT&CK Enterprise tactics: tag spelling, id, display name, Sentinel's name.
 * v19 renamed TA0005 to Stealth and split Defense Impairment (TA0112) from it;
 * Sentinel's tactic list knows neither, so both stay DefenseEvasion there.
 */
static const struct {
	const char *tag, *id, *name, *camel;
} tactics[] = {
	{"reconnaissance", "TA0043", "Reconnaissance", "Reconnaissance"},
	{"resource-development", "TA0042", "Resource Development", "ResourceDevelopment"},
	{"initial-access", "TA0001", "Initial Access", "InitialAccess"},
	{"execution", "TA0002", "Execution", "Execution"},
	{"persistence", "TA0003", "Persistence", "Persistence"},
	{"privilege-escalation", "TA0004", "Privilege Escalation", "PrivilegeEscalation"},
	{"defense-evasion", "TA0005", "Defense Evasion", "DefenseEvasion"},
	{"stealth", "TA0005", "Stealth", "DefenseEvasion"},
	{"defense-impairment", "TA0112", "Defense Impairment", "DefenseEvasion"},
	{"credential-access", "TA0006", "Credential Access", "CredentialAccess"},
	{"discovery", "TA0007", "Discovery", "Discovery"},
	{"lateral-movement", "TA0008", "Lateral Movement", "LateralMovement"},
	{"collection", "TA0009", "Collection", "Collection"},
	{"command-and-control", "TA0011", "Command and Control", "CommandAndControl"},
	{"exfiltration", "TA0010", "Exfiltration", "Exfiltration"},
	{"impact", "TA0040", "Impact", "Impact"},
};
#define NTACTICS (sizeof(tactics) / sizeof(tactics[0]))

void
tval_add(struct arena *a, struct tval *l, int *cap, const char *s)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return;
	VEC_PUSH(a, l->v, l->n, *cap, s);
}

/* The tactics of the tags, in tag order, one per id (the first tag's spelling wins). */
static int
rule_tactics(const struct rule *r, int *out)
{
	int n = 0;
	for (int i = 0; i < r->ntags; i++) {
		if (strncmp(r->tags[i], "attack.", 7))
			continue;
		for (int k = 0; k < (int)NTACTICS; k++) {
			if (strcmp(tactics[k].tag, r->tags[i] + 7))
				continue;
			bool seen = false;
			for (int j = 0; j < n; j++)
				seen = seen || !strcmp(tactics[out[j]].id, tactics[k].id);
			if (!seen)
				out[n++] = k;
		}
	}
	return n;
}

/* The technique ids of the tags (T1102.002 upper-cased), the sub-techniques cut when !subs. */
static struct tval
rule_techniques(struct arena *a, const struct rule *r, bool subs)
{
	struct tval l = {0};
	int cap = 0;
	for (int i = 0; i < r->ntags; i++) {
		const char *t = r->tags[i];
		if (strncmp(t, "attack.", 7))
			continue;
		t += 7;
		if ((t[0] != 't' && t[0] != 'T') || !isdigit((unsigned char)t[1]))
			continue;
		size_t n = subs ? strlen(t) : strcspn(t, ".");
		char *id = arena_strndup(a, t, n);
		id[0] = 'T';
		tval_add(a, &l, &cap, id);
	}
	return l;
}

bool
template_attack_list(struct arena *a, const struct rule *r, const char *name, struct tval *out)
{
	static const char *const names[] = {"tactics", "tactic_ids", "tactic_names"};
	if (!strcmp(name, "techniques") || !strcmp(name, "subtechniques")) {
		*out = rule_techniques(a, r, name[0] == 's');
		return true;
	}
	if (!strcmp(name, "subtechnique_ids")) {	/* only the sub-techniques: T1102.002 */
		struct tval all = rule_techniques(a, r, true);
		*out = (struct tval){0};
		for (int i = 0; i < all.n; i++)
			if (strchr(all.v[i], '.'))
				out->v = out->v ? out->v : all.v, out->v[out->n++] = all.v[i];
		return true;
	}
	for (int which = 0; which < 3; which++) {
		if (strcmp(name, names[which]))
			continue;
		int idx[NTACTICS * 2], n = rule_tactics(r, idx), cap = 0;
		*out = (struct tval){0};
		for (int i = 0; i < n; i++)
			tval_add(a, out, &cap, which == 0 ? tactics[idx[i]].camel :
					       which == 1 ? tactics[idx[i]].id : tactics[idx[i]].name);
		return true;
	}
	return false;
}

/* ---- ECS threat ------------------------------------------------------------------------ */

/* A tactic of the rule and its tagged techniques. */
struct threat {
	const char *id, *name;
	struct tval parents;	/* technique ids (T1102) */
	struct tval tagged;	/* the tags' ids under it, sub-techniques kept (T1102.002) */
	int cap, tagged_cap;
};

/* Does table entry e (a technique) belong to tactic id (or to the tactic it was split from)? */
static bool
in_tactic(const struct attack_table *t, const struct attack_entry *e, const char *id)
{
	const struct attack_entry *tac = attack_find(t, id);
	for (unsigned i = 0; i < e->tactics_count; i++) {
		const struct attack_entry *te = attack_tactic(t, e->tactics[i]);
		if (te && (!strcmp(te->id, id) || (tac && tac->split_from &&
						   !strcmp(te->id, tac->split_from))))
			return true;
	}
	return false;
}

static void
put_attack_ref(struct buf *out, const char *id, const char *name, const char *kind)
{
	buf_puts(out, "{\"id\": ");
	json_put_string(out, id);
	buf_puts(out, ", \"name\": ");
	json_put_string(out, name);
	buf_printf(out, ", \"reference\": \"https://attack.mitre.org/%s/", kind);
	for (const char *c = id; *c; c++)	/* T1102.002 -> T1102/002 */
		buf_putc(out, *c == '.' ? '/' : *c);
	buf_puts(out, "/\"");
}

/* The technique parent with the rule's sub-techniques of it. */
static void
put_technique(const struct attack_table *t, const struct tval *subs, const char *parent,
	      struct buf *out)
{
	put_attack_ref(out, parent, attack_find(t, parent)->name, "techniques");
	int n = 0;
	size_t plen = strlen(parent);
	for (int i = 0; i < subs->n; i++) {
		const struct attack_entry *e = attack_find(t, subs->v[i]);
		if (!e || strncmp(subs->v[i], parent, plen) || subs->v[i][plen] != '.')
			continue;
		buf_puts(out, n++ ? ", " : ", \"subtechnique\": [");
		put_attack_ref(out, subs->v[i], e->name, "techniques");
		buf_putc(out, '}');
	}
	buf_puts(out, n ? "]}" : "}");
}

static void
threat_add(struct arena *a, struct threat *th, const char *parent, const char *id)
{
	tval_add(a, &th->parents, &th->cap, parent);
	tval_add(a, &th->tagged, &th->tagged_cap, id);
}

/* The rule's tactics in tag order, each with the tagged techniques the ATT&CK table puts
 * under it (the ECS threat array's and the attack pairs' grouping). Returns how many. */
static int
rule_threats(struct arena *a, const struct attack_table *t, const struct rule *r,
	     struct threat **out)
{
	int idx[NTACTICS * 2], n = rule_tactics(r, idx), nthreats = 0, cap = 0;
	struct threat *threats = NULL;
	for (int i = 0; i < n; i++)
		VEC_PUSH(a, threats, nthreats, cap, ((struct threat){.id = tactics[idx[i]].id,
								     .name = tactics[idx[i]].name}));
	struct tval subs = rule_techniques(a, r, true);
	for (int i = 0; i < subs.n; i++) {
		const struct attack_entry *e = attack_find(t, subs.v[i]);
		const char *parent = arena_strndup(a, subs.v[i], strcspn(subs.v[i], "."));
		if (!e || !attack_find(t, parent))
			continue;	/* not in the table: no name to give */
		bool placed = false;
		for (int k = 0; k < nthreats; k++) {
			if (in_tactic(t, e, threats[k].id)) {
				threat_add(a, &threats[k], parent, subs.v[i]);
				placed = true;
			}
		}
		/* a technique without a tagged tactic goes under its own first tactic */
		const struct attack_entry *own = e->tactics_count ? attack_tactic(t, e->tactics[0]) : NULL;
		if (!placed && own) {
			int k = 0;
			while (k < nthreats && strcmp(threats[k].id, own->id))
				k++;
			if (k == nthreats)
				VEC_PUSH(a, threats, nthreats, cap,
					 ((struct threat){.id = own->id, .name = own->name}));
			threat_add(a, &threats[k], parent, subs.v[i]);
		}
	}
	*out = threats;
	return nthreats;
}

void
template_ecs_threat(struct arena *a, const struct attack_table *t, const struct rule *r,
		    struct buf *out)
{
	struct threat *threats;
	int nthreats = rule_threats(a, t, r, &threats);
	struct tval subs = rule_techniques(a, r, true);
	buf_putc(out, '[');
	for (int k = 0; k < nthreats; k++) {
		buf_puts(out, k ? ", {\"framework\": \"MITRE ATT&CK\", \"tactic\": "
				: "{\"framework\": \"MITRE ATT&CK\", \"tactic\": ");
		put_attack_ref(out, threats[k].id, threats[k].name, "tactics");
		buf_puts(out, "}, \"technique\": [");
		for (int i = 0; i < threats[k].parents.n; i++) {
			buf_puts(out, i ? ", " : "");
			put_technique(t, &subs, threats[k].parents.v[i], out);
		}
		buf_puts(out, "]}");
	}
	buf_putc(out, ']');
}

/* Defender's name of tactic id: the first of the table above with it (TA0112: DefenseEvasion). */
static const char *
camel_of(const char *id)
{
	for (size_t i = 0; i < NTACTICS; i++)
		if (!strcmp(tactics[i].id, id))
			return tactics[i].camel;
	return NULL;
}

/*
 * [{"tactic": "CommandAndControl", "techniques": [{"technique": "T1102", "subTechniques":
 * ["T1102.002"]}]}]: the ECS threat grouping, each tactic under Defender's name, so Stealth
 * and Defense Impairment join Defense Evasion (one entry, their techniques merged).
 */
void
template_graph_tactics(struct arena *a, const struct attack_table *t, const struct rule *r,
		       struct buf *out)
{
	struct threat *threats;
	int nthreats = rule_threats(a, t, r, &threats), ngroups = 0;
	struct threat *groups = arena_alloc(a, sizeof(*groups) * (size_t)(nthreats + 1));
	for (int k = 0; k < nthreats; k++) {
		const char *camel = camel_of(threats[k].id);
		int g = 0;
		while (g < ngroups && strcmp(groups[g].name, camel))
			g++;
		if (g == ngroups)
			groups[ngroups++] = (struct threat){.name = camel};
		for (int i = 0; i < threats[k].tagged.n; i++) {
			const char *id = threats[k].tagged.v[i];
			threat_add(a, &groups[g], arena_strndup(a, id, strcspn(id, ".")), id);
		}
	}
	buf_putc(out, '[');
	for (int g = 0; g < ngroups; g++) {
		buf_puts(out, g ? ", {\"tactic\": " : "{\"tactic\": ");
		json_put_string(out, groups[g].name);
		buf_puts(out, ", \"techniques\": [");
		for (int i = 0; i < groups[g].parents.n; i++) {
			const char *parent = groups[g].parents.v[i];
			size_t plen = strlen(parent);
			buf_puts(out, i ? ", {\"technique\": " : "{\"technique\": ");
			json_put_string(out, parent);
			int n = 0;
			for (int k = 0; k < groups[g].tagged.n; k++) {
				const char *sub = groups[g].tagged.v[k];
				if (strncmp(sub, parent, plen) || sub[plen] != '.')
					continue;
				buf_puts(out, n++ ? ", " : ", \"subTechniques\": [");
				json_put_string(out, sub);
			}
			buf_puts(out, n ? "]}" : "}");
		}
		buf_puts(out, "]}");
	}
	buf_putc(out, ']');
}

/* {"tactic_id": "TA0011", "technique_id": "T1102.002"}, one JSON object per tagged technique
 * under each of its tactics (as in the ECS threat array), a tactic without one alone. */
struct tval
template_attack_pairs(struct arena *a, const struct attack_table *t, const struct rule *r)
{
	struct threat *threats;
	int nthreats = rule_threats(a, t, r, &threats), cap = 0;
	struct tval pairs = {0};
	struct buf json = {0};
	for (int k = 0; k < nthreats; k++) {
		for (int i = 0; i < (threats[k].tagged.n ? threats[k].tagged.n : 1); i++) {
			buf_clear(&json);
			buf_puts(&json, "{\"tactic_id\": ");
			json_put_string(&json, threats[k].id);
			if (threats[k].tagged.n) {
				buf_puts(&json, ", \"technique_id\": ");
				json_put_string(&json, threats[k].tagged.v[i]);
			}
			buf_putc(&json, '}');
			tval_add(a, &pairs, &cap, arena_strndup(a, json.data, json.len));
		}
	}
	buf_free(&json);
	return pairs;
}

/* Sentinel's tactics of a rule: its tags' and every tactic of each tagged technique (the
 * ATT&CK table's), in that order: Sentinel wants all of a technique's tactics among the
 * rule's (Azure-Sentinel template validation, NoTechniquesWithoutMatchingTactics). */
struct tval
template_all_tactics(struct arena *a, const struct attack_table *t, const struct rule *r)
{
	struct tval tags, out = {0}, techs = rule_techniques(a, r, false);
	int cap = 0;
	template_attack_list(a, r, "tactics", &tags);
	for (int i = 0; i < tags.n; i++)
		tval_add(a, &out, &cap, tags.v[i]);
	for (int i = 0; i < techs.n; i++) {
		const struct attack_entry *e = attack_find(t, techs.v[i]);
		for (unsigned k = 0; e && k < e->tactics_count; k++)
			for (size_t j = 0; j < NTACTICS; j++)
				if (!strcmp(tactics[j].tag, e->tactics[k]))
					tval_add(a, &out, &cap, tactics[j].camel);
	}
	return out;
}

/*
 * From the ATT&CK table: technique_names, the names of the tagged techniques
 * (sub-techniques as their technique; those the table does not know left
 * out), technique_urls, their pages on attack.mitre.org, and attack_version,
 * the table's release ("v18.1"). False when name is none of them.
 */
bool
template_attack_named(struct arena *a, const struct attack_table *t, const struct rule *r,
		      const char *name, struct tval *out)
{
	bool names = !strcmp(name, "technique_names");
	if (!strcmp(name, "attack_version")) {
		/* "Enterprise 18.1 + v19 tactics": the release of the table's first file */
		const char *v = attack_version(t);
		v += strcspn(v, "0123456789");
		*out = (struct tval){arena_printf(a, "v%.*s", (int)strcspn(v, " "), v), NULL, -1};
		return true;
	}
	if (!names && strcmp(name, "technique_urls"))
		return false;
	struct tval techs = rule_techniques(a, r, false);
	int cap = 0;
	*out = (struct tval){0};
	for (int i = 0; i < techs.n; i++) {
		const struct attack_entry *e = attack_find(t, techs.v[i]);
		if (e)
			tval_add(a, out, &cap, names ? e->name : arena_printf(a, "https://attack.mitre.org/"
							"techniques/%s/", e->id));
	}
	return true;
}
