"""Ready-made consultations loaded by `manage.py load_consultation <slug>`, in French and English.

Content written from the APRS/Inserm 2025 report "Vers un nouveau pacte social" (see ../shared/CONTEXT.md).
Questions are (kind, French, English, [(choice fr, choice en), ...]); a choice that excludes the others in a
multiple-choice question ("Aucun") is (choice fr, choice en, True).
"""

DATA_DONATION = {
    "slug": "data-donation",
    "title_fr": "Don de données de santé par défaut\u00a0: qu’en pensez-vous\u00a0?",
    "title_en": "Donating health data by default: what do you think?",
    "context_fr": (
        "Les données de santé (consultations, hospitalisations, remboursements, analyses) servent déjà la "
        "recherche, l’innovation et le pilotage de la politique de santé. Mais 67\u00a0% des Français s’estiment "
        "insuffisamment informés sur leur usage, et 58\u00a0% voudraient en savoir plus (baromètre Health Data "
        "Hub, 2025).\n\n"
        "Une proposition est sur la table\u00a0: faire du don de données de santé la règle par défaut, comme pour "
        "le don d’organes. Chacun resterait libre de refuser en s’inscrivant sur un registre national des "
        "refus, simple d’accès. Cette consultation vous demande à quelles conditions ce principe serait "
        "acceptable\u00a0: quels usages (recherche publique, entreprises privées, acteurs étrangers, entraînement "
        "d’intelligences artificielles), quel consentement (global ou modulable par usage), quelle "
        "information, quel hébergement (souverain, certifié) et quelle place pour les citoyens dans la "
        "gouvernance des accès.\n\n"
        "Vos réponses et vos propositions seront analysées publiquement\u00a0; un panel de citoyens tirés au sort "
        "en débattra lors d’assises, et chaque recommandation recevra une réponse publique des décideurs."
    ),
    "context_en": (
        "Health data (consultations, hospital stays, reimbursements, test results) already serves research, "
        "innovation and the steering of health policy. Yet 67% of French people feel insufficiently "
        "informed about how it is used, and 58% would like to know more (Health Data Hub barometer, 2025).\n\n"
        "A proposal is on the table: make health-data donation the default rule, as organ donation is. "
        "Everyone would remain free to refuse by registering on an easy-to-reach national opt-out registry. "
        "This consultation asks you under which conditions that principle would be acceptable: which uses "
        "(public research, private companies, foreign actors, training artificial intelligence), which "
        "consent (all-or-nothing or modular by use), which information, which hosting (sovereign, "
        "certified), and what role citizens should play in governing access.\n\n"
        "Your answers and proposals will be analysed in public; a panel of citizens drawn by lot will debate "
        "them in assises, and every recommendation will receive a public answer from decision-makers."
    ),
    # The ready-made consultation closes at 23:59 (Paris) this many days after it is loaded and opened.
    "closes_in_days": 60,
    "questions": [
        (
            "scale",
            "Les données de santé de chacun devraient pouvoir servir par défaut à la recherche publique, avec la "
            "possibilité de refuser.",
            "Everyone's health data should by default be usable by public research, with the option to refuse.",
            [],
        ),
        (
            "single",
            "Quel mode de consentement préférez-vous\u00a0?",
            "Which kind of consent do you prefer?",
            [
                (
                    "Don par défaut avec registre national des refus",
                    "Default donation with a national opt-out registry",
                ),
                ("Consentement explicite demandé à chacun", "Explicit consent asked from everyone"),
                ("Consentement modulable, usage par usage", "Modular consent, use by use"),
                ("Je ne sais pas", "I don't know"),
            ],
        ),
        (
            "multiple",
            "Par quels moyens devrait-on pouvoir s’inscrire sur le registre des refus\u00a0?",
            "Through which channels should people be able to register on the opt-out registry?",
            [
                ("En ligne (Mon Espace Santé)", "Online (Mon Espace Santé)"),
                ("Chez son médecin ou son pharmacien", "At one's doctor or pharmacist"),
                ("Par courrier", "By post"),
                (
                    "Dans un accueil de l’Assurance maladie ou une maison France services",
                    "At a health insurance office or a France services centre",
                ),
            ],
        ),
        (
            "multiple",
            "À quels acteurs accepteriez-vous que vos données soient confiées, sous conditions\u00a0?",
            "To which actors would you accept your data being entrusted, under conditions?",
            [
                (
                    "Laboratoires de recherche publique et hôpitaux",
                    "Public research laboratories and hospitals",
                ),
                ("Agences sanitaires de l’État", "State health agencies"),
                ("Entreprises privées françaises ou européennes", "French or European private companies"),
                ("Entreprises ou organismes hors d’Europe", "Companies or bodies outside Europe"),
                ("Développeurs d’intelligence artificielle", "Developers of artificial intelligence"),
                ("Aucun", "None", True),  # exclusive: ticked, it is the only choice
            ],
        ),
        (
            "scale",
            "Les entreprises privées qui utilisent des données de santé devraient reverser une partie des "
            "bénéfices au système de santé.",
            "Private companies that use health data should pay part of the benefits back to the health system.",
            [],
        ),
        (
            "scale",
            "Les données de santé ne devraient être hébergées que par des services souverains, non soumis à des "
            "lois extraterritoriales.",
            "Health data should only be hosted by sovereign services, not subject to extraterritorial laws.",
            [],
        ),
        (
            "single",
            "Qui devrait décider de l’accès des projets aux données\u00a0?",
            "Who should decide which projects get access to the data?",
            [
                ("Des experts et des institutions publiques", "Experts and public institutions"),
                (
                    "Des instances mêlant experts, patients et citoyens tirés au sort",
                    "Bodies mixing experts, patients and citizens drawn by lot",
                ),
                ("Chaque personne, pour ses propres données", "Each person, for their own data"),
                ("Je ne sais pas", "I don't know"),
            ],
        ),
        (
            "multiple",
            "Par quels canaux souhaiteriez-vous être informé de l’usage de vos données\u00a0?",
            "Through which channels would you like to be told how your data is used?",
            [
                ("Mon Espace Santé", "Mon Espace Santé"),
                ("Mon médecin traitant", "My general practitioner"),
                ("Campagnes nationales d’information", "National information campaigns"),
                ("Courrier ou courriel personnel", "Personal letter or e-mail"),
                ("Associations de patients", "Patient associations"),
            ],
        ),
        (
            "scale",
            "Je ferais confiance à un registre national des refus pour respecter mon choix.",
            "I would trust a national opt-out registry to respect my choice.",
            [],
        ),
        (
            "open",
            "Qu’est-ce qui vous donnerait confiance, ou au contraire vous ferait refuser, le don de vos données\u00a0?",
            "What would make you trust, or on the contrary refuse, donating your data?",
            [],
        ),
        (
            "open",
            "Quelles informations attendez-vous avant et après l’utilisation de vos données\u00a0?",
            "What information do you expect before and after your data is used?",
            [],
        ),
        (
            "open",
            "Comment les citoyens devraient-ils participer à la gouvernance des données de santé\u00a0?",
            "How should citizens take part in governing health data?",
            [],
        ),
        (
            "open",
            "Y a-t-il des usages que vous voudriez interdire\u00a0? Lesquels et pourquoi\u00a0?",
            "Are there uses you would want to forbid? Which ones and why?",
            [],
        ),
    ],
}

CONSULTATIONS = {DATA_DONATION["slug"]: DATA_DONATION}
