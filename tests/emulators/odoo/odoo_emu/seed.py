"""The data a fresh Odoo 17 database holds (a realistic subset), plus a few staff users.

Everything is deterministic: same modules and version give the same ids and values.
"""

from .orm import Orm
from .schema import MODULES, UNINSTALLED

SEED_TIME = "2026-01-01 00:00:00"

# Odoo 17 base/data/res_partner_data.xml (res.partner.title; the model is gone in 18).
TITLES = [("res_partner_title_madam", "Madam", "Mrs."), ("res_partner_title_miss", "Miss", "Miss"),
          ("res_partner_title_mister", "Mister", "Mr."), ("res_partner_title_doctor", "Doctor", "Dr."),
          ("res_partner_title_prof", "Professor", "Prof.")]
CURRENCIES = [("USD", "$"), ("EUR", "€"), ("GBP", "£"), ("TRY", "₺"), ("CAD", "$"),
              ("AUD", "$"), ("CHF", "CHF"), ("MXN", "$")]

COUNTRIES = [
    ("US", "United States", 1, "USD"), ("GB", "United Kingdom", 44, "GBP"),
    ("TR", "Türkiye", 90, "TRY"), ("DE", "Germany", 49, "EUR"), ("CA", "Canada", 1, "CAD"),
    ("FR", "France", 33, "EUR"), ("ES", "Spain", 34, "EUR"), ("IT", "Italy", 39, "EUR"),
    ("NL", "Netherlands", 31, "EUR"), ("BE", "Belgium", 32, "EUR"), ("IE", "Ireland", 353, "EUR"),
    ("PT", "Portugal", 351, "EUR"), ("AT", "Austria", 43, "EUR"), ("CH", "Switzerland", 41, "CHF"),
    ("AU", "Australia", 61, "AUD"), ("NZ", "New Zealand", 64, False), ("MX", "Mexico", 52, "MXN"),
    ("BR", "Brazil", 55, False), ("IN", "India", 91, False), ("JP", "Japan", 81, False),
    ("CN", "China", 86, False), ("PL", "Poland", 48, False), ("SE", "Sweden", 46, False),
    ("NO", "Norway", 47, False), ("DK", "Denmark", 45, False), ("GR", "Greece", 30, "EUR"),
    ("IL", "Israel", 972, False), ("AE", "United Arab Emirates", 971, False),
    ("ZA", "South Africa", 27, False), ("PH", "Philippines", 63, False),
]

US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"),
]
OTHER_STATES = {
    "CA": [("AB", "Alberta"), ("BC", "British Columbia"), ("MB", "Manitoba"),
           ("NB", "New Brunswick"), ("NL", "Newfoundland and Labrador"), ("NS", "Nova Scotia"),
           ("ON", "Ontario"), ("PE", "Prince Edward Island"), ("QC", "Quebec"),
           ("SK", "Saskatchewan"), ("NT", "Northwest Territories"), ("NU", "Nunavut"),
           ("YT", "Yukon")],
    "DE": [("BW", "Baden-Württemberg"), ("BY", "Bavaria"), ("BE", "Berlin"), ("HH", "Hamburg"),
           ("HE", "Hesse"), ("NW", "North Rhine-Westphalia")],
    "ES": [("M", "Madrid"), ("B", "Barcelona"), ("V", "Valencia"), ("SE", "Sevilla")],
    "AU": [("NSW", "New South Wales"), ("VIC", "Victoria"), ("QLD", "Queensland")],
    "MX": [("JAL", "Jalisco"), ("NLE", "Nuevo León"), ("CMX", "Ciudad de México")],
    "TR": [("34", "İstanbul"), ("06", "Ankara"), ("35", "İzmir")],
}

STAFF = [
    ("Dr. Sarah Chen", "sarah.chen@brightsmile.example"),
    ("Dr. Omar Haddad", "omar.haddad@brightsmile.example"),
    ("Dr. Emily Novak", "emily.novak@brightsmile.example"),
    ("Lucy Park", "lucy.park@brightsmile.example"),
]


def seed(server):
    store = server.store
    orm = Orm(server, 1, {"tracking_disable": True}, SEED_TIME)
    orm.model = None

    def put(model, vals, xmlid=None):
        rid = orm.create_one(model, vals)
        if xmlid:
            add_xmlid(xmlid, model, rid)
        return rid

    def add_xmlid(xmlid, model, rid, noupdate=False):
        module, name = xmlid.split(".", 1)
        orm.create_one("ir.model.data", {"module": module, "name": name, "model": model,
                                         "res_id": rid, "noupdate": noupdate})

    # modules
    for name in sorted(set(MODULES) | set(UNINSTALLED)):
        deps, app, label = MODULES.get(name, ((), True, name.replace("_", " ").title()))
        installed = name in server.installed
        put("ir.module.module", {"name": name, "shortdesc": label, "application": app,
                                 "state": "installed" if installed else "uninstalled",
                                 "latest_version": ("%s.1.0" % server.version_string)
                                 if installed else False})
    # ir.model and ir.model.fields, written directly (they describe the schema itself)
    for model in sorted(store.models):
        mdef = store.models[model]
        mid = store.next_id("ir.model")
        store.insert("ir.model", mid, {
            "name": mdef.label, "model": model, "state": "base", "transient": mdef.transient,
            "create_date": SEED_TIME, "write_date": SEED_TIME, "create_uid": 1, "write_uid": 1})
        for fname, field in mdef.fields.items():
            fid = store.next_id("ir.model.fields")
            store.insert("ir.model.fields", fid, {
                "name": fname, "complete_name": "%s.%s" % (model, fname), "model": model,
                "model_id": mid, "field_description": field.string, "help": field.help or False,
                "ttype": field.type, "relation": field.relation or False,
                "relation_field": field.inverse or False,
                "relation_table": field.relation_table or False, "column1": False,
                "column2": False, "required": field.required, "readonly": field.readonly,
                "index": field.index, "translate": False, "copied": False, "store": field.store,
                "size": field.size or 0, "tracking": 0,
                "on_delete": field.ondelete if field.type == "many2one" else False,
                "currency_field": field.currency_field or False, "state": "base",
                "create_date": SEED_TIME, "write_date": SEED_TIME, "create_uid": 1,
                "write_uid": 1})
            if field.type == "selection":
                for seq, (value, label) in enumerate(field.selection or []):
                    sid = store.next_id("ir.model.fields.selection")
                    store.insert("ir.model.fields.selection", sid, {
                        "field_id": fid, "value": value, "name": label, "sequence": seq,
                        "create_date": SEED_TIME, "write_date": SEED_TIME, "create_uid": 1,
                        "write_uid": 1})
        add_xmlid("%s.model_%s" % (mdef.module, model.replace(".", "_")), "ir.model", mid, True)

    currency = {}
    for code, symbol in CURRENCIES:
        currency[code] = put("res.currency", {"name": code, "symbol": symbol}, "base." + code)
    if "res.partner.title" in store.models:
        for xmlid, name, shortcut in TITLES:
            put("res.partner.title", {"name": name, "shortcut": shortcut}, "base." + xmlid)
    country = {}
    for code, name, phone, cur in COUNTRIES:
        country[code] = put("res.country", {"name": name, "code": code, "phone_code": phone,
                                            "currency_id": currency.get(cur) or False},
                            "base." + code.lower())
    for code, name in US_STATES:
        put("res.country.state", {"name": name, "code": code, "country_id": country["US"]},
            "base.state_us_%s" % code.lower())
    for ccode, states in OTHER_STATES.items():
        for code, name in states:
            put("res.country.state", {"name": name, "code": code, "country_id": country[ccode]},
                "base.state_%s_%s" % (ccode.lower(), code.lower()))

    # company, partners and users (ids as in a fresh database: 1 company partner, 2 OdooBot...)
    company_partner = put("res.partner", {"name": "YourCompany", "is_company": True,
                                          "country_id": country["US"], "email": "info@yourcompany.example"},
                          "base.main_partner")
    company = put("res.company", {"name": "YourCompany", "partner_id": company_partner,
                                  "currency_id": currency["USD"], "country_id": country["US"]},
                  "base.main_company")
    bot = put("res.partner", {"name": "OdooBot", "email": "odoobot@example.com", "active": False},
              "base.partner_root")
    admin_p = put("res.partner", {"name": "Mitchell Admin", "email": "admin@yourcompany.example",
                                  "company_id": company}, "base.partner_admin")
    public_p = put("res.partner", {"name": "Public user", "active": False}, "base.public_partner")
    put("res.users", {"login": "__system__", "name": "OdooBot", "partner_id": bot, "active": False,
                      "company_id": company}, "base.user_root")
    put("res.users", {"login": server.admin_login, "name": "Mitchell Admin",
                      "email": "admin@yourcompany.example", "partner_id": admin_p,
                      "company_id": company}, "base.user_admin")
    put("res.users", {"login": "public", "name": "Public user", "partner_id": public_p,
                      "active": False, "share": True, "company_id": company}, "base.public_user")
    default_p = put("res.partner", {"name": "Default User Template", "active": False})
    put("res.users", {"login": "default", "name": "Default User Template", "active": False,
                      "partner_id": default_p, "company_id": company}, "base.default_user")
    for name, email in STAFF:
        put("res.users", {"login": email, "name": name, "email": email, "company_id": company})

    if "mail" in server.installed:
        put("mail.message.subtype", {"name": "Discussions", "sequence": 0, "internal": False},
            "mail.mt_comment")
        put("mail.message.subtype", {"name": "Note", "sequence": 100, "internal": True,
                                     "default": False}, "mail.mt_note")
        put("mail.message.subtype", {"name": "Activities", "sequence": 90, "internal": True},
            "mail.mt_activities")
        for xmlid, name, category, icon in (
                ("mail_activity_data_email", "Email", "default", "fa-envelope"),
                ("mail_activity_data_call", "Call", "phonecall", "fa-phone"),
                ("mail_activity_data_meeting", "Meeting", "meeting", "fa-users"),
                ("mail_activity_data_todo", "To-Do", "default", "fa-check"),
                ("mail_activity_data_upload_document", "Upload Document", "upload_file",
                 "fa-upload")):
            put("mail.activity.type", {"name": name, "category": category, "icon": icon},
                "mail." + xmlid)
    if "utm" in server.installed:
        for xmlid, name in (("utm_source_search_engine", "Search engine"),
                            ("utm_source_mailing", "Lead Recall"),
                            ("utm_source_newsletter", "Newsletter"),
                            ("utm_source_facebook", "Facebook")):
            put("utm.source", {"name": name}, "utm." + xmlid)
        for xmlid, name in (("utm_medium_email", "Email"), ("utm_medium_direct", "Direct"),
                            ("utm_medium_website", "Website"), ("utm_medium_phone", "Phone"),
                            ("utm_medium_banner", "Banner")):
            put("utm.medium", {"name": name}, "utm." + xmlid)
    if "crm" in server.installed:
        put("crm.team", {"name": "Sales", "user_id": 2, "company_id": company, "member_ids": [[6, 0, [2]]]},
            "sales_team.team_sales_department")
        for seq, (xmlid, name, won) in enumerate((("stage_lead1", "New", False),
                                                  ("stage_lead2", "Qualified", False),
                                                  ("stage_lead3", "Proposition", False),
                                                  ("stage_lead4", "Won", True))):
            put("crm.stage", {"name": name, "sequence": seq + 1 if not won else 70, "is_won": won,
                              "fold": False}, "crm." + xmlid)
    if "account" in server.installed:
        accounts = {}
        for code, name, atype, reconcile in (
                ("121000", "Account Receivable", "asset_receivable", True),
                ("211000", "Account Payable", "liability_payable", True),
                ("400000", "Product Sales", "income", False),
                ("600000", "Expenses", "expense", False),
                ("101401", "Bank", "asset_cash", False),
                ("101501", "Cash", "asset_cash", False)):
            accounts[code] = put("account.account", {"name": name, "code": code,
                                                     "account_type": atype, "reconcile": reconcile})
        for xmlid, name, code, jtype, account in (
                ("sale", "Customer Invoices", "INV", "sale", "400000"),
                ("purchase", "Vendor Bills", "BILL", "purchase", "600000"),
                ("general", "Miscellaneous Operations", "MISC", "general", False),
                ("bank", "Bank", "BNK1", "bank", "101401"),
                ("cash", "Cash", "CSH1", "cash", "101501")):
            put("account.journal", {"name": name, "code": code, "type": jtype,
                                    "default_account_id": accounts.get(account) or False},
                "account.1_%s_journal" % xmlid)
