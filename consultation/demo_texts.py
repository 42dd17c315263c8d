# ruff: noqa: E501  (one contribution per line reads best)
"""What demo participants write: hand-written contributions in the voices of real consultations.

Each sub-topic of the debate has its own texts, in different registers and lengths (a few words, a
sentence, a short paragraph), some with the spelling mistakes and missing accents people type, a few in
English, and one campaign text copied by many participants. Each text is used once (the campaign
excepted), so the analysis reads the variety a real consultation brings, not filled templates.
"""

# fmt: off
VOICES: dict[str, list[str]] = {
    "registre": [
        "Le registre des refus doit être simple : trois clics sur internet, ou un formulaire papier chez le médecin.",
        "Comment on s'inscrit au registre ? Personne autour de moi ne sait que ça existe.",
        "Je veux pouvoir m'inscrire au registre des refus au guichet de ma CPAM, pas seulement en ligne.",
        "Il faut pouvoir sortir du registre aussi facilement qu'on y entre. Si je change d'avis, je ne veux pas remplir dix papiers.",
        "Une confirmation écrite après l'inscription au registre, sinon comment être sûr que c'est pris en compte ?",
        "registre des refus accessible depuis l'appli ameli svp",
        "Ma mère a 84 ans, pas d'ordinateur. Il faut qu'elle puisse refuser par courrier, sans frais.",
        "Le délai entre l'inscription au registre et l'arrêt réel de l'utilisation des données doit être connu et court.",
        "Je souhaite pouvoir consulter mon statut dans le registre à tout moment, comme pour le don d'organes.",
        "L'inscription au registre devrait pouvoir se faire pour ses enfants mineurs par les parents.",
        "Le registre doit etre gratuit et sans justification a donner.",
        "Pourquoi ne pas envoyer un SMS de confirmation quand on s'inscrit au registre des refus ?",
        "Refuser doit rester aussi facile qu'accepter, sinon le consentement présumé n'a pas de sens.",
        "Un registre des refus, d'accord, mais qui le gère et qui peut le consulter ? Ça doit être public.",
        "Les personnes sous tutelle doivent aussi avoir accès au registre, avec leur tuteur.",
        "Mettre un lien vers le registre des refus sur chaque courrier de l'Assurance maladie.",
    ],
    "consentement": [
        "Je veux choisir : oui pour la recherche publique sur le cancer, non pour les entreprises privées.",
        "Un consentement à la carte dans Mon Espace Santé, avec des cases à cocher par type d'usage.",
        "On devrait pouvoir retirer son accord à tout moment, sans avoir à se justifier auprès de qui que ce soit.",
        "Le consentement par défaut, pourquoi pas, mais seulement pour la recherche publique. Pour le reste, il faut demander.",
        "Je ne suis pas contre partager mes données, mais je veux savoir pour quoi exactement, au cas par cas.",
        "Pour l'entraînement des intelligences artificielles, il faut un consentement à part, explicite.",
        "Consentement granulaire : recherche, santé publique, industrie. Trois cases, c'est pas compliqué.",
        "Je voudrais pouvoir dire oui aux études sur les maladies rares et non à tout ce qui est commercial.",
        "Le consentement doit pouvoir changer avec le temps, on n'a pas le même avis à 20 ans et à 60 ans.",
        "Il faut que mon choix soit respecté partout, y compris quand les données sont transmises à l'étranger.",
        "Le tableau de bord des consentements doit être lisible par tout le monde, pas un jargon juridique.",
        "Quand je dis non pour un usage, ça doit vraiment vouloir dire non, même pour des données « anonymisées ».",
        "Ce serait bien de pouvoir donner son accord projet par projet, avec une notification à chaque fois.",
        "consentement eclairé = information claire + choix reel. Sinon c'est une case pré-cochée.",
        "Chaque usage nouveau de mes données devrait me demander mon avis, comme les applis pour la localisation.",
    ],
    "prive": [
        "Les laboratoires pharmaceutiques qui profitent de nos données doivent reverser une partie de leurs bénéfices à l'hôpital public.",
        "Jamais les assureurs ni les mutuelles. Ils s'en serviraient pour augmenter les cotisations des malades.",
        "Aucune donnée de santé pour la publicité, le marketing ou le ciblage commercial. C'est une ligne rouge.",
        "Les start-up peuvent y accéder si leur projet est validé publiquement et si les résultats sont publiés.",
        "Si une entreprise développe un médicament grâce à nos données, son prix doit en tenir compte.",
        "Je n'ai aucune confiance dans les entreprises privées pour respecter nos données. Aucune.",
        "Les employeurs ne doivent jamais pouvoir accéder, même indirectement, aux données de santé de leurs salariés.",
        "Les entreprises qui utilisent les données publiques doivent publier leurs résultats, même négatifs.",
        "Une contrepartie pour le public : accès gratuit aux outils développés avec nos données.",
        "Les banques ne doivent pas pouvoir utiliser les données de santé pour accorder ou refuser un prêt.",
        "pas de revente des données aux assurances, ni maintenant ni plus tard",
        "Le privé peut participer à la recherche, mais sous contrôle public strict et avec des sanctions réelles.",
        "Les géants de la tech ne doivent pas mettre la main sur nos dossiers médicaux, point.",
        "Une redevance versée par les industriels pour chaque accès aux données financerait l'hôpital.",
    ],
    "souverainete": [
        "Les données de santé des Français doivent être hébergées en France, ou à la rigueur en Europe.",
        "Le Health Data Hub chez Microsoft, c'est un non-sens total. Il faut un hébergeur souverain.",
        "Aucun hébergeur soumis au Cloud Act américain. Nos données ne doivent pas pouvoir être réclamées par un juge étranger.",
        "Un cloud européen certifié, contrôlé par des autorités européennes, c'est la condition minimale.",
        "Je ne comprends pas qu'on confie nos données les plus intimes à une entreprise américaine.",
        "La souveraineté numérique n'est pas un luxe : sans elle, pas de confiance, donc pas de don.",
        "Même pour des collaborations internationales, les données doivent rester sur des serveurs en Europe.",
        "Il faut investir dans des solutions françaises d'hébergement, c'est aussi une question d'emplois.",
        "Qui contrôle les serveurs contrôle les données. Ça doit être un opérateur public ou européen.",
        "les donnees doivent rester en france !!! pas chez les GAFAM",
        "Transférer les données hors de l'Union européenne devrait être purement et simplement interdit.",
        "L'État doit publier où sont physiquement stockées nos données et qui y a accès techniquement.",
        "La certification HDS ne suffit pas si l'hébergeur reste soumis à une loi étrangère.",
    ],
    "information": [
        "Une vraie campagne d'information nationale, à la télé, à la radio, comme pour le don d'organes.",
        "Mon médecin traitant est la personne à qui je fais confiance : c'est à lui de m'expliquer.",
        "Les explications doivent être écrites en français simple, et traduites pour ceux qui ne lisent pas bien le français.",
        "Avant l'entrée en vigueur, chaque personne devrait recevoir un courrier personnel qui explique tout.",
        "Les pharmaciens pourraient informer au comptoir, ils voient tout le monde.",
        "Il faut en parler au lycée, les jeunes doivent comprendre ce que deviennent leurs données.",
        "Une vidéo courte de deux minutes, claire, avec des exemples concrets, ça suffirait à beaucoup de gens.",
        "Je ne savais même pas que cette consultation existait. L'information ne circule pas.",
        "Il faut expliquer ce qu'est une donnée de santé : est-ce que ça inclut mes remboursements ? mes analyses ?",
        "Les personnes sourdes et aveugles doivent avoir une information accessible, en langue des signes et en audio.",
        "Informer, ce n'est pas seulement prévenir : il faut aussi expliquer les risques honnêtement.",
        "Des réunions publiques dans les mairies, avec des médecins et des chercheurs pour répondre aux questions.",
        "Les notices sont toujours illisibles. Faites tester vos textes par de vrais gens avant de les publier.",
        "Un numéro vert pour poser ses questions sur le don de données, avec de vraies personnes au bout.",
        "infos claires stp, pas 40 pages de conditions générales",
    ],
    "transparence": [
        "Je veux voir dans Mon Espace Santé quels projets ont utilisé mes données, et quand.",
        "Un rapport public chaque année : quels projets, quels résultats, quels partenaires.",
        "Montrez-nous des résultats concrets ! Quelles découvertes ont été faites grâce à nos données ?",
        "Un registre public des accès : qui a accédé, quand, pourquoi, avec quelle autorisation.",
        "Ce serait motivant de recevoir des nouvelles des recherches auxquelles on a contribué.",
        "Publier la liste des projets refusés et pourquoi, pas seulement ceux qui sont acceptés.",
        "La transparence, c'est la condition de la confiance. Sans elle, je m'inscris au registre des refus.",
        "Chaque publication scientifique utilisant les données devrait être en accès libre.",
        "Je voudrais un historique de l'utilisation de mes données, comme un relevé de compte.",
        "Les conflits d'intérêts des membres des comités d'accès doivent être publics.",
        "Quand il y a une fuite ou un incident, on doit être prévenus directement, pas l'apprendre dans la presse.",
    ],
    "gouvernance": [
        "Des citoyens tirés au sort devraient siéger dans le comité qui autorise l'accès aux données.",
        "Les associations de patients doivent avoir voix au chapitre, ce sont leurs données avant tout.",
        "Un comité indépendant, avec le pouvoir de suspendre un projet qui détourne les données.",
        "Organiser une consultation comme celle-ci régulièrement, pas une fois tous les dix ans.",
        "Les élus locaux et les ARS doivent être associés, chaque territoire a ses besoins de santé.",
        "La gouvernance doit inclure des soignants de terrain, pas seulement des administratifs et des industriels.",
        "Il faut une autorité de contrôle avec de vrais moyens, pas une commission qui se réunit deux fois par an.",
        "Les décisions du comité d'accès doivent être motivées et publiées.",
        "Un conseil citoyen permanent sur les données de santé, renouvelé chaque année par tirage au sort.",
        "Les patients atteints de maladies chroniques devraient être représentés en priorité, ils sont les premiers concernés.",
        "Le Parlement doit débattre chaque année de l'usage des données de santé.",
    ],
    "securite": [
        "Les données doivent être pseudonymisées avant toute utilisation, sans exception.",
        "Une fuite de données de santé doit être punie très lourdement, y compris pénalement pour les dirigeants.",
        "Des audits de sécurité indépendants, réguliers, et dont les conclusions sont publiées.",
        "Les chercheurs doivent travailler dans des bulles sécurisées, sans pouvoir copier les données.",
        "Avec assez de croisements, on peut toujours réidentifier quelqu'un. Il faut évaluer ce risque avant chaque partage.",
        "Les hôpitaux se font pirater tous les mois. Commencez par sécuriser l'existant avant de centraliser.",
        "Je crains surtout les fuites. Une base centralisée, c'est une cible énorme pour les pirates.",
        "Chiffrement de bout en bout et journalisation de chaque accès, c'est le minimum technique.",
        "securité avant tout, on a vu ce qui s'est passé avec les laboratoires d'analyses piratés",
        "Les données génétiques doivent avoir une protection renforcée, elles concernent aussi toute la famille.",
        "Un accès aux données uniquement pour des équipes habilitées, avec une formation obligatoire.",
    ],
    "equite": [
        "Les habitants des territoires ruraux et d'outre-mer doivent être bien représentés dans les données.",
        "La recherche doit aussi servir les maladies rares, pas seulement les maladies rentables.",
        "Les femmes sont sous-représentées dans les essais cliniques : les données doivent corriger ce biais.",
        "Les personnes âgées et celles qui sont éloignées du numérique ne doivent pas être oubliées.",
        "Les bénéfices de la recherche doivent profiter à tout le monde, pas seulement aux grandes métropoles.",
        "En Guyane ou à Mayotte, l'accès aux soins est déjà difficile : que la recherche s'intéresse aussi à nous.",
        "Il faut veiller à ce que les algorithmes entraînés sur ces données ne discriminent personne.",
        "Les personnes en situation de précarité doivent pouvoir participer et refuser comme les autres.",
        "La santé mentale est le parent pauvre de la recherche, les données pourraient aider à changer ça.",
        "Que les découvertes faites avec nos données soient accessibles à tous, au même prix, partout en France.",
    ],
    "refus": [
        "Le don par défaut, ce n'est pas un consentement. Un vrai consentement, c'est un oui explicite.",
        "Je refuse que mes données de santé soient utilisées sans mon accord préalable. C'est mon corps, ce sont mes données.",
        "La comparaison avec le don d'organes est trompeuse : un organe ne se copie pas, des données si.",
        "Ce projet va surtout profiter aux géants du numérique, pas aux patients.",
        "Je suis contre. On nous demande notre avis mais la décision est déjà prise.",
        "Opt-out = on compte sur le fait que les gens ne liront pas. Ce n'est pas honnête.",
        "Mes données médicales ne regardent que moi et mon médecin. Personne d'autre.",
        "Je n'ai rien contre la recherche mais je n'ai aucune confiance dans la façon dont l'État gère nos données.",
        "Le secret médical est un principe fondamental, on ne peut pas le contourner par défaut.",
        "Je veux qu'on me demande, c'est tout. Pas qu'on décide à ma place en attendant que je refuse.",
    ],
}

# A few participants write in English (the consultation welcomes them).
ENGLISH = [
    "Health data should stay in Europe, hosted by a European provider that no foreign court can reach.",
    "I would share my data for public research, but never with insurers or advertisers.",
    "Please make the opt-out register easy to use for people who are not comfortable online.",
    "Show us what research came out of our data: a yearly public report would build trust.",
    "Default donation is not consent. Ask people first.",
    "Patients' associations should sit on the committee that approves access to the data.",
]
ENGLISH_THEMES = ["souverainete", "prive", "registre", "transparence", "refus", "gouvernance"]

# A text circulated by an association and pasted by many participants (a campaign): the analysis
# counts it once in the shares and says how many copies it received.
CAMPAIGN = (
    "Nous refusons le don par défaut de nos données de santé. Le consentement doit être libre, éclairé "
    "et explicite, comme le prévoit le RGPD. Nous demandons l'abandon du principe d'opposition et un "
    "consentement actif pour chaque usage."
)
CAMPAIGN_THEME = "refus"
# fmt: on
