"""Models and fields of the emulated Odoo 17 database, per module.

A model is a ModelDef holding Field objects. Fields are immutable once built: a change of schema
(custom fields through ir.model.fields) replaces the Field or the whole fields dict, so the
store's undo journal can restore the previous schema by keeping the old dict.
"""

import copy

MAGIC_FIELDS = ("id", "create_date", "create_uid", "write_date", "write_uid", "parent_path",
                "display_name", "__last_update")

RELATIONAL = ("many2one", "one2many", "many2many")
TTYPES = ("char", "text", "html", "boolean", "integer", "float", "monetary", "date",
          "datetime", "selection", "many2one", "many2many", "one2many", "binary",
          "many2one_reference", "reference", "json", "properties")


class Field:
    """One field: its type, label, constraints and, for relations, the comodel."""

    def __init__(self, type_, string, required=False, relation=None, selection=None,
                 ondelete=None, default=None, readonly=False, store=True, inverse=None,
                 state="base", currency_field=None, help_text="", computed=False,
                 relation_table=None, size=None, index=False):
        self.type = type_
        self.string = string
        self.required = required
        self.relation = relation
        self.selection = list(selection) if selection else None
        if ondelete is None and type_ == "many2one":
            ondelete = "set null"
        self.ondelete = ondelete
        self.default = default
        self.readonly = readonly
        self.store = store and type_ != "one2many"
        self.inverse = inverse
        self.state = state
        self.currency_field = currency_field
        self.help = help_text
        self.computed = computed
        self.relation_table = relation_table
        self.size = size
        self.index = index
        self.name = None  # set by ModelDef

    def replaced(self, **changes):
        clone = copy.copy(self)
        for key, value in changes.items():
            setattr(clone, key, value)
        return clone


def F(type_, string, **kw):
    return Field(type_, string, **kw)


class ModelDef:
    """A model: technical name, label, owning module, fields, order, rec_name, flags."""

    def __init__(self, name, label, module, fields, order="id", rec_name="name",
                 transient=False, mail_thread=False, log_label=None):
        self.name = name
        self.label = label
        self.module = module
        self.order = order
        self.rec_name = rec_name
        self.transient = transient
        self.mail_thread = mail_thread
        self.log_label = log_label or label
        self.fields = {}
        common = {
            "id": F("integer", "ID", readonly=True),
            "display_name": F("char", "Display Name", store=False, readonly=True),
            "create_date": F("datetime", "Created on", readonly=True),
            "create_uid": F("many2one", "Created by", relation="res.users", readonly=True),
            "write_date": F("datetime", "Last Updated on", readonly=True),
            "write_uid": F("many2one", "Last Updated by", relation="res.users", readonly=True),
        }
        for fname, field in list(common.items()) + list(fields.items()):
            field.name = fname
            self.fields[fname] = field

    @property
    def table(self):
        return self.name.replace(".", "_")


def _sel(*pairs):
    return [(v, l) for v, l in pairs]


PARTNER_TYPES = _sel(("contact", "Contact"), ("invoice", "Invoice Address"),
                     ("delivery", "Delivery Address"), ("other", "Other Address"))
PARTNER_TYPES_16 = PARTNER_TYPES + _sel(("private", "Private Address"))
LANGS = _sel(("en_US", "English (US)"), ("en_GB", "English (UK)"), ("de_DE", "German / Deutsch"),
             ("fr_FR", "French / Français"), ("es_ES", "Spanish / Español"), ("tr_TR", "Turkish / Türkçe"))
TZS = [(tz, tz) for tz in ("UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Madrid",
                           "Europe/Istanbul", "America/New_York", "America/Chicago", "America/Denver",
                           "America/Los_Angeles", "America/Toronto", "America/Vancouver")]
MESSAGE_TYPES = _sel(("email", "Incoming Email"), ("comment", "Comment"),
                     ("email_outgoing", "Outgoing Email"), ("notification", "System notification"),
                     ("auto_comment", "Automated Targeted Notification"),
                     ("user_notification", "User Specific Notification"))
MOVE_TYPES = _sel(("entry", "Journal Entry"), ("out_invoice", "Customer Invoice"),
                  ("out_refund", "Customer Credit Note"), ("in_invoice", "Vendor Bill"),
                  ("in_refund", "Vendor Credit Note"), ("out_receipt", "Sales Receipt"),
                  ("in_receipt", "Purchase Receipt"))
PAYMENT_STATES = _sel(("not_paid", "Not Paid"), ("in_payment", "In Payment"), ("paid", "Paid"),
                      ("partial", "Partially Paid"), ("reversed", "Reversed"),
                      ("invoicing_legacy", "Invoicing App Legacy"))


def _address(state_ondelete="restrict"):
    return {
        "street": F("char", "Street"), "street2": F("char", "Street2"), "city": F("char", "City"),
        "zip": F("char", "Zip"),
        "state_id": F("many2one", "State", relation="res.country.state", ondelete=state_ondelete),
        "country_id": F("many2one", "Country", relation="res.country", ondelete="restrict"),
    }


def base_models(version):
    partner = {
        "name": F("char", "Name", index=True),
        "complete_name": F("char", "Complete Name", computed=True),
        "is_company": F("boolean", "Is a Company", default=False),
        "type": F("selection", "Address Type",
                  selection=PARTNER_TYPES_16 if version < 17 else PARTNER_TYPES, default="contact"),
        "parent_id": F("many2one", "Related Company", relation="res.partner"),
        "child_ids": F("one2many", "Contact", relation="res.partner", inverse="parent_id"),
        "email": F("char", "Email"), "phone": F("char", "Phone"), "website": F("char", "Website Link"),
        "category_id": F("many2many", "Tags", relation="res.partner.category",
                         relation_table="res_partner_res_partner_category_rel"),
        "comment": F("html", "Notes"),
        "company_id": F("many2one", "Company", relation="res.company"),
        "user_id": F("many2one", "Salesperson", relation="res.users"),
        "ref": F("char", "Reference"), "function": F("char", "Job Position"),
        "vat": F("char", "Tax ID"),
        "lang": F("selection", "Language", selection=LANGS, default="en_US"),
        "tz": F("selection", "Timezone", selection=TZS),
        "active": F("boolean", "Active", default=True),
        "color": F("integer", "Color Index"),
        "user_ids": F("one2many", "Users", relation="res.users", inverse="partner_id"),
    }
    if version < 19:
        partner["mobile"] = F("char", "Mobile")
    if version < 18:  # res.partner.title and the title field are gone from Odoo 18
        partner["title"] = F("many2one", "Title", relation="res.partner.title")
    partner.update(_address())
    models = [
        ModelDef("res.partner", "Contact", "base", partner, order="complete_name ASC, id DESC",
                 rec_name="complete_name", mail_thread=True),
        ModelDef("res.partner.category", "Partner Tags", "base", {
            "name": F("char", "Tag Name", required=True), "color": F("integer", "Color"),
            "parent_id": F("many2one", "Parent Category", relation="res.partner.category",
                           ondelete="cascade"),
            "active": F("boolean", "Active", default=True),
        }, order="name"),
    ] + ([
        ModelDef("res.partner.title", "Partner Title", "base", {
            "name": F("char", "Title", required=True), "shortcut": F("char", "Abbreviation"),
        }, order="name"),
    ] if version < 18 else []) + [
        ModelDef("res.country", "Country", "base", {
            "name": F("char", "Country Name", required=True), "code": F("char", "Country Code", size=2),
            "phone_code": F("integer", "Country Calling Code"),
            "currency_id": F("many2one", "Currency", relation="res.currency"),
            "state_ids": F("one2many", "States", relation="res.country.state", inverse="country_id"),
        }, order="name"),
        ModelDef("res.country.state", "Country state", "base", {
            "name": F("char", "State Name", required=True),
            "code": F("char", "State Code", required=True),
            "country_id": F("many2one", "Country", relation="res.country", required=True),
        }, order="code"),
        ModelDef("res.currency", "Currency", "base", {
            "name": F("char", "Currency", required=True), "symbol": F("char", "Symbol", required=True),
            "active": F("boolean", "Active", default=True),
        }, order="active desc, name"),
        ModelDef("res.users", "User", "base", {
            "login": F("char", "Login", required=True),
            "name": F("char", "Name"), "email": F("char", "Email"),
            "partner_id": F("many2one", "Related Partner", relation="res.partner", required=True,
                            ondelete="restrict"),
            "company_id": F("many2one", "Company", relation="res.company", required=True),
            "active": F("boolean", "Active", default=True),
            "share": F("boolean", "Share User", default=False),
        }, order="name, login"),
        ModelDef("res.company", "Companies", "base", {
            "name": F("char", "Company Name", required=True),
            "partner_id": F("many2one", "Partner", relation="res.partner", required=True),
            "currency_id": F("many2one", "Currency", relation="res.currency", required=True),
            "country_id": F("many2one", "Country", relation="res.country"),
            "email": F("char", "Email"), "phone": F("char", "Phone"),
            "active": F("boolean", "Active", default=True),
        }, order="name"),
        ModelDef("ir.model", "Models", "base", {
            "name": F("char", "Model Description", required=True),
            "model": F("char", "Model", required=True),
            "state": F("selection", "Type", selection=_sel(("manual", "Custom Object"),
                                                           ("base", "Base Object")), default="manual"),
            "transient": F("boolean", "Transient Model"),
            "modules": F("char", "In Apps", computed=True),
            "field_id": F("one2many", "Fields", relation="ir.model.fields", inverse="model_id"),
        }, order="model", rec_name="name"),
        ModelDef("ir.model.fields", "Fields", "base", {
            "name": F("char", "Field Name", required=True),
            "complete_name": F("char", "Complete Name"),
            "model": F("char", "Model Name", required=True),
            "model_id": F("many2one", "Model", relation="ir.model", required=True, ondelete="cascade"),
            "field_description": F("char", "Field Label", required=True),
            "help": F("text", "Field Help"),
            "ttype": F("selection", "Field Type", required=True, selection=[(t, t) for t in TTYPES]),
            "relation": F("char", "Related Model"),
            "relation_field": F("char", "Relation Field"),
            "relation_table": F("char", "Relation Table"),
            "column1": F("char", "Column 1"), "column2": F("char", "Column 2"),
            "selection": F("char", "Selection Options (Deprecated)", store=False),
            "selection_ids": F("one2many", "Selection Options", relation="ir.model.fields.selection",
                               inverse="field_id"),
            "required": F("boolean", "Required"), "readonly": F("boolean", "Readonly"),
            "index": F("boolean", "Indexed"), "translate": F("boolean", "Translatable"),
            "copied": F("boolean", "Copied"), "store": F("boolean", "Stored", default=True),
            "size": F("integer", "Size"), "tracking": F("integer", "Enable Ordered Tracking"),
            "on_delete": F("selection", "On Delete", selection=_sel(
                ("cascade", "Cascade"), ("set null", "Set NULL"), ("restrict", "Restrict")),
                default="set null"),
            "currency_field": F("char", "Currency field"),
            "state": F("selection", "Type", required=True, default="manual", selection=_sel(
                ("manual", "Custom Field"), ("base", "Base Field"))),
        }, order="name", rec_name="field_description"),
        ModelDef("ir.model.fields.selection", "Fields Selection", "base", {
            "field_id": F("many2one", "Field", relation="ir.model.fields", required=True,
                          ondelete="cascade"),
            "value": F("char", "Value", required=True), "name": F("char", "Name", required=True),
            "sequence": F("integer", "Sequence", default=1000),
        }, order="sequence, id"),
        ModelDef("ir.model.data", "Model Data", "base", {
            "name": F("char", "External Identifier", required=True),
            "complete_name": F("char", "Complete ID", computed=True),
            "model": F("char", "Model Name", required=True),
            "module": F("char", "Module", required=True, default=""),
            "res_id": F("many2one_reference", "Record ID"),
            "noupdate": F("boolean", "Non Updatable", default=False),
        }, order="module, model, name", rec_name="complete_name"),
        ModelDef("ir.module.module", "Module", "base", {
            "name": F("char", "Technical Name", required=True),
            "shortdesc": F("char", "Module Name"),
            "state": F("selection", "Status", default="uninstalled", selection=_sel(
                ("uninstallable", "Uninstallable"), ("uninstalled", "Not Installed"),
                ("installed", "Installed"), ("to upgrade", "To be upgraded"),
                ("to remove", "To be removed"), ("to install", "To be installed"))),
            "latest_version": F("char", "Installed Version"),
            "application": F("boolean", "Application"),
        }, order="name", rec_name="shortdesc"),
        ModelDef("ir.attachment", "Attachment", "base", {
            "name": F("char", "Name", required=True),
            "description": F("text", "Description"),
            "res_model": F("char", "Resource Model"), "res_field": F("char", "Resource Field"),
            "res_id": F("many2one_reference", "Resource ID"),
            "company_id": F("many2one", "Company", relation="res.company"),
            "type": F("selection", "Type", required=True, default="binary",
                      selection=_sel(("url", "URL"), ("binary", "File"))),
            "url": F("char", "Url"),
            "public": F("boolean", "Is public document"),
            "datas": F("binary", "File Content (base64)"),
            "file_size": F("integer", "File Size", computed=True, readonly=True),
            "checksum": F("char", "Checksum/SHA1", computed=True, readonly=True),
            "mimetype": F("char", "Mime Type"),
        }, order="id desc"),
    ]
    return models


def mail_models(version):
    return [
        ModelDef("mail.activity.type", "Activity Type", "mail", {
            "name": F("char", "Name", required=True), "summary": F("char", "Default Summary"),
            "sequence": F("integer", "Sequence", default=10),
            "active": F("boolean", "Active", default=True),
            "delay_count": F("integer", "Schedule"),
            "category": F("selection", "Action", default="default", selection=_sel(
                ("default", "None"), ("upload_file", "Upload Document"), ("phonecall", "Phonecall"),
                ("meeting", "Meeting"))),
            "res_model": F("char", "Model"),
            "keep_done": F("boolean", "Keep Done"),
            "icon": F("char", "Icon"),
        }, order="sequence, id"),
        ModelDef("mail.activity", "Activity", "mail", {
            "res_model_id": F("many2one", "Document Model", relation="ir.model", required=True,
                              ondelete="cascade"),
            "res_model": F("char", "Related Document Model", readonly=True, computed=True),
            "res_id": F("many2one_reference", "Related Document ID"),
            "res_name": F("char", "Document Name", computed=True, readonly=True),
            "activity_type_id": F("many2one", "Activity Type", relation="mail.activity.type",
                                  ondelete="restrict"),
            "summary": F("char", "Summary"), "note": F("html", "Note"),
            "date_deadline": F("date", "Due Date", required=True),
            "date_done": F("date", "Done Date", readonly=True),
            "user_id": F("many2one", "Assigned to", relation="res.users", required=True),
            "active": F("boolean", "Active", default=True),
            "state": F("selection", "State", computed=True, store=False, selection=_sel(
                ("overdue", "Overdue"), ("today", "Today"), ("planned", "Planned"), ("done", "Done"))),
        }, order="date_deadline ASC, id ASC", rec_name="summary"),
        ModelDef("mail.message.subtype", "Message subtypes", "mail", {
            "name": F("char", "Message Type", required=True),
            "description": F("text", "Description"), "internal": F("boolean", "Internal Only"),
            "res_model": F("char", "Model"), "default": F("boolean", "Default", default=True),
            "sequence": F("integer", "Sequence", default=1),
        }, order="sequence, id"),
        ModelDef("mail.message", "Message", "mail", {
            "subject": F("char", "Subject"), "body": F("html", "Contents", default=""),
            "model": F("char", "Related Document Model"),
            "res_id": F("many2one_reference", "Related Document ID"),
            "record_name": F("char", "Message Record Name"),
            "message_type": F("selection", "Type", required=True, default="comment",
                              selection=MESSAGE_TYPES if version >= 17 else
                              [p for p in MESSAGE_TYPES if p[0] != "email_outgoing"]),
            "subtype_id": F("many2one", "Subtype", relation="mail.message.subtype"),
            "mail_activity_type_id": F("many2one", "Mail Activity Type", relation="mail.activity.type"),
            "is_internal": F("boolean", "Employee Only"),
            "author_id": F("many2one", "Author", relation="res.partner"),
            "email_from": F("char", "From"),
            "date": F("datetime", "Date"),
            "parent_id": F("many2one", "Parent Message", relation="mail.message"),
            "partner_ids": F("many2many", "Recipients", relation="res.partner"),
            "attachment_ids": F("many2many", "Attachments", relation="ir.attachment"),
            "message_id": F("char", "Message-Id"),
            "reply_to": F("char", "Reply-To"),
        }, order="id desc", rec_name="record_name"),
    ]


def utm_models():
    return [
        ModelDef("utm.source", "UTM Source", "utm", {"name": F("char", "Source Name", required=True)},
                 order="name"),
        ModelDef("utm.medium", "UTM Medium", "utm", {
            "name": F("char", "Medium Name", required=True),
            "active": F("boolean", "Active", default=True)}, order="name"),
        ModelDef("utm.campaign", "UTM Campaign", "utm", {
            "name": F("char", "Campaign Identifier", required=True),
            "title": F("char", "Campaign Name"),
            "user_id": F("many2one", "Responsible", relation="res.users"),
            "active": F("boolean", "Active", default=True)}, order="id DESC"),
    ]


def crm_models():
    lead = {
        "name": F("char", "Opportunity", required=True),
        "type": F("selection", "Type", required=True, default="opportunity",
                  selection=_sel(("lead", "Lead"), ("opportunity", "Opportunity"))),
        "partner_id": F("many2one", "Customer", relation="res.partner"),
        "contact_name": F("char", "Contact Name"), "partner_name": F("char", "Company Name"),
        "email_from": F("char", "Email"), "phone": F("char", "Phone"), "mobile": F("char", "Mobile"),
        "website": F("char", "Website"), "function": F("char", "Job Position"),
        "user_id": F("many2one", "Salesperson", relation="res.users"),
        "team_id": F("many2one", "Sales Team", relation="crm.team"),
        "company_id": F("many2one", "Company", relation="res.company"),
        "stage_id": F("many2one", "Stage", relation="crm.stage", ondelete="restrict"),
        "description": F("html", "Notes"),
        "tag_ids": F("many2many", "Tags", relation="crm.tag"),
        "source_id": F("many2one", "Source", relation="utm.source"),
        "medium_id": F("many2one", "Medium", relation="utm.medium"),
        "campaign_id": F("many2one", "Campaign", relation="utm.campaign"),
        "expected_revenue": F("monetary", "Expected Revenue", currency_field="company_currency"),
        "company_currency": F("many2one", "Currency", relation="res.currency", computed=True,
                              store=False),
        "probability": F("float", "Probability"),
        "date_deadline": F("date", "Expected Closing"),
        "date_closed": F("datetime", "Closed Date"),
        "priority": F("selection", "Priority", default="0", selection=_sel(
            ("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High"))),
        "active": F("boolean", "Active", default=True),
    }
    lead.update(_address(state_ondelete="restrict"))
    return [
        ModelDef("crm.team", "Sales Team", "sales_team", {
            "name": F("char", "Sales Team", required=True),
            "user_id": F("many2one", "Team Leader", relation="res.users"),
            "company_id": F("many2one", "Company", relation="res.company"),
            "sequence": F("integer", "Sequence", default=10),
            "active": F("boolean", "Active", default=True),
            "member_ids": F("many2many", "Salespersons", relation="res.users"),
        }, order="sequence ASC, id DESC", mail_thread=True),
        ModelDef("crm.stage", "CRM Stages", "crm", {
            "name": F("char", "Stage Name", required=True),
            "sequence": F("integer", "Sequence", default=1),
            "is_won": F("boolean", "Is Won Stage?"), "fold": F("boolean", "Folded in Pipeline"),
            "team_id": F("many2one", "Sales Team", relation="crm.team"),
            "requirements": F("text", "Requirements"),
        }, order="sequence, name, id"),
        ModelDef("crm.tag", "CRM Tag", "sales_team", {
            "name": F("char", "Tag Name", required=True), "color": F("integer", "Color")},
            order="name"),
        ModelDef("crm.lead", "Lead/Opportunity", "crm", lead,
                 order="priority desc, id desc", mail_thread=True),
    ]


def calendar_models(has_crm):
    event = {
        "name": F("char", "Meeting Subject", required=True),
        "start": F("datetime", "Start", required=True),
        "stop": F("datetime", "Stop", required=True),
        "allday": F("boolean", "All Day", default=False),
        "start_date": F("date", "Start Date"), "stop_date": F("date", "End Date"),
        "duration": F("float", "Duration"),
        "description": F("html", "Description"), "location": F("char", "Location"),
        "privacy": F("selection", "Privacy", default="public", selection=_sel(
            ("public", "Public"), ("private", "Private"), ("confidential", "Only internal users"))),
        "show_as": F("selection", "Show as", default="busy",
                     selection=_sel(("free", "Available"), ("busy", "Busy"))),
        "user_id": F("many2one", "Organizer", relation="res.users"),
        "partner_ids": F("many2many", "Attendees", relation="res.partner"),
        "res_model_id": F("many2one", "Document Model", relation="ir.model", ondelete="cascade"),
        "res_model": F("char", "Document Model Name", readonly=True, computed=True),
        "res_id": F("many2one_reference", "Document ID"),
        "active": F("boolean", "Active", default=True),
    }
    if has_crm:
        event["opportunity_id"] = F("many2one", "Opportunity", relation="crm.lead")
    return [ModelDef("calendar.event", "Calendar Event", "calendar", event,
                     order="start desc", mail_thread=True)]


def account_models():
    return [
        ModelDef("product.product", "Product Variant", "product", {
            "name": F("char", "Name", required=True), "default_code": F("char", "Internal Reference"),
            "list_price": F("float", "Sales Price", default=1.0),
            "detailed_type": F("selection", "Product Type", default="consu", selection=_sel(
                ("consu", "Consumable"), ("service", "Service"), ("product", "Storable Product"))),
            "active": F("boolean", "Active", default=True),
        }, order="default_code, name, id", mail_thread=True),
        ModelDef("account.account", "Account", "account", {
            "name": F("char", "Account Name", required=True), "code": F("char", "Code", required=True),
            "account_type": F("selection", "Type", required=True, selection=_sel(
                ("asset_receivable", "Receivable"), ("asset_cash", "Bank and Cash"),
                ("asset_current", "Current Assets"), ("liability_payable", "Payable"),
                ("income", "Income"), ("expense", "Expenses"))),
            "reconcile": F("boolean", "Allow Reconciliation"),
        }, order="code"),
        ModelDef("account.tax", "Tax", "account", {
            "name": F("char", "Tax Name", required=True), "amount": F("float", "Amount"),
            "type_tax_use": F("selection", "Tax Type", default="sale", selection=_sel(
                ("sale", "Sales"), ("purchase", "Purchases"), ("none", "None"))),
            "active": F("boolean", "Active", default=True),
        }, order="id"),
        ModelDef("account.journal", "Journal", "account", {
            "name": F("char", "Journal Name", required=True), "code": F("char", "Short Code", required=True),
            "type": F("selection", "Type", required=True, selection=_sel(
                ("sale", "Sales"), ("purchase", "Purchase"), ("cash", "Cash"), ("bank", "Bank"),
                ("general", "Miscellaneous"))),
            "active": F("boolean", "Active", default=True),
            "default_account_id": F("many2one", "Default Account", relation="account.account",
                                    ondelete="restrict"),
        }, order="code", mail_thread=True),
        ModelDef("account.move", "Journal Entry", "account", {
            "name": F("char", "Number", default="/"),
            "ref": F("char", "Reference"),
            "move_type": F("selection", "Type", required=True, default="entry", selection=MOVE_TYPES),
            "state": F("selection", "Status", required=True, default="draft", readonly=True,
                       selection=_sel(("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled"))),
            "date": F("date", "Date", required=True),
            "partner_id": F("many2one", "Partner", relation="res.partner", ondelete="restrict"),
            "journal_id": F("many2one", "Journal", relation="account.journal", required=True),
            "currency_id": F("many2one", "Currency", relation="res.currency", required=True),
            "company_id": F("many2one", "Company", relation="res.company"),
            "invoice_date": F("date", "Invoice/Bill Date"),
            "invoice_user_id": F("many2one", "Salesperson", relation="res.users"),
            "invoice_date_due": F("date", "Due Date"),
            "invoice_origin": F("char", "Origin"),
            "payment_reference": F("char", "Payment Reference"),
            "narration": F("html", "Terms and Conditions"),
            "invoice_line_ids": F("one2many", "Invoice lines", relation="account.move.line",
                                  inverse="move_id"),
            "line_ids": F("one2many", "Journal Items", relation="account.move.line", inverse="move_id"),
            "amount_untaxed": F("monetary", "Untaxed Amount", computed=True, readonly=True,
                                currency_field="currency_id"),
            "amount_total": F("monetary", "Total", computed=True, readonly=True,
                              currency_field="currency_id"),
            "amount_residual": F("monetary", "Amount Due", computed=True, readonly=True,
                                 currency_field="currency_id"),
            "payment_state": F("selection", "Payment Status", computed=True, readonly=True,
                               default="not_paid", selection=PAYMENT_STATES),
            "posted_before": F("boolean", "Posted Before", readonly=True),
        }, order="date desc, name desc, id desc", mail_thread=True),
        ModelDef("account.move.line", "Journal Item", "account", {
            "move_id": F("many2one", "Journal Entry", relation="account.move", required=True,
                         ondelete="cascade"),
            "name": F("char", "Label"),
            "quantity": F("float", "Quantity", default=1.0),
            "price_unit": F("float", "Unit Price"),
            "discount": F("float", "Discount (%)"),
            "price_subtotal": F("monetary", "Subtotal", computed=True, readonly=True,
                                currency_field="currency_id"),
            "currency_id": F("many2one", "Currency", relation="res.currency", computed=True),
            "product_id": F("many2one", "Product", relation="product.product", ondelete="restrict"),
            "account_id": F("many2one", "Account", relation="account.account", ondelete="restrict"),
            "tax_ids": F("many2many", "Taxes", relation="account.tax"),
            "display_type": F("selection", "Display Type", default="product", selection=_sel(
                ("product", "Product"), ("cogs", "Cost of Goods Sold"), ("tax", "Tax"),
                ("rounding", "Rounding"), ("payment_term", "Payment Term"),
                ("line_section", "Section"), ("line_note", "Note"), ("epd", "Early Payment Discount"))),
        }, order="id"),
        ModelDef("account.payment", "Payments", "account", {
            "name": F("char", "Number", default="/", readonly=True),
            "payment_type": F("selection", "Payment Type", required=True, default="inbound",
                              selection=_sel(("outbound", "Send"), ("inbound", "Receive"))),
            "partner_type": F("selection", "Partner Type", default="customer",
                              selection=_sel(("customer", "Customer"), ("supplier", "Vendor"))),
            "partner_id": F("many2one", "Customer/Vendor", relation="res.partner", ondelete="restrict"),
            "amount": F("monetary", "Amount", currency_field="currency_id"),
            "currency_id": F("many2one", "Currency", relation="res.currency"),
            "date": F("date", "Date", required=True),
            "journal_id": F("many2one", "Journal", relation="account.journal", required=True),
            "ref": F("char", "Memo"),
            "state": F("selection", "Status", required=True, default="draft", readonly=True,
                       selection=_sel(("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled"))),
            "reconciled_invoice_ids": F("many2many", "Reconciled Invoices", relation="account.move",
                                        computed=True, readonly=True),
            "is_reconciled": F("boolean", "Is Reconciled", computed=True, readonly=True),
        }, order="date desc, id desc", mail_thread=True),
        ModelDef("account.payment.register", "Register Payment", "account", {
            "payment_date": F("date", "Payment Date", required=True),
            "amount": F("monetary", "Amount", currency_field="currency_id"),
            "currency_id": F("many2one", "Currency", relation="res.currency"),
            "journal_id": F("many2one", "Journal", relation="account.journal", required=True),
            "communication": F("char", "Memo"),
            "partner_id": F("many2one", "Customer/Vendor", relation="res.partner"),
            "payment_type": F("selection", "Payment Type", default="inbound",
                              selection=_sel(("outbound", "Send"), ("inbound", "Receive"))),
            "line_ids": F("many2many", "Journal items", relation="account.move", readonly=True),
        }, transient=True, rec_name="communication"),
    ]


# module name -> (dependencies, application flag, label)
MODULES = {
    "base": ((), False, "Base"),
    "web": (("base",), False, "Web"),
    "bus": (("base", "web"), False, "IM Bus"),
    "mail": (("base", "bus", "web"), True, "Discuss"),
    "utm": (("base", "web"), False, "UTM Trackers"),
    "contacts": (("base", "mail"), True, "Contacts"),
    "calendar": (("base", "mail"), True, "Calendar"),
    "sales_team": (("base", "mail"), False, "Sales Teams"),
    "product": (("base", "mail", "uom"), False, "Products & Pricelists"),
    "uom": (("base",), False, "Units of measure"),
    "crm": (("base", "sales_team", "mail", "calendar", "utm", "contacts"), True, "CRM"),
    "account": (("base", "product", "mail", "portal"), True, "Invoicing"),
    "portal": (("base", "mail", "web"), False, "Customer Portal"),
}
# Known to ir.module.module but never installed here (load's prefix rule checks all names).
UNINSTALLED = ("sale", "stock", "website", "project", "hr", "purchase", "point_of_sale", "survey")


def resolve_modules(requested):
    installed = set()

    def add(name):
        if name in installed:
            return
        if name not in MODULES:
            raise SystemExit("unknown module %r (known: %s)" % (name, ", ".join(sorted(MODULES))))
        installed.add(name)
        for dep in MODULES[name][0]:
            add(dep)

    add("base")
    add("web")
    for name in requested:
        add(name)
    return installed


def build_models(installed, version):
    models = list(base_models(version))
    if "mail" in installed:
        models += mail_models(version)
    if "utm" in installed:
        models += utm_models()
    if "crm" in installed:
        models += crm_models()
    if "calendar" in installed:
        models += calendar_models("crm" in installed)
    if "account" in installed:
        models += account_models()
    return {m.name: m for m in models}
